{#- dbt's test materialization, except that a data test that passed on exactly what its models
    serve now (lakehouse_record_test_outcomes) passes again without running; its result's adapter
    response says so (code UNCHANGED). --full-refresh, or storing failures, runs it. -#}
{% materialization test, adapter='lakehouse_spark' -%}
    {%- if not flags.FULL_REFRESH and not should_store_failures()
        and adapter.test_passed_on_what_is_served(model, graph, model.compiled_code) -%}
        {% do lakehouse_store_unchanged_result('unchanged: passed on what its models serve',
            adapter.passing_test_result()) %}
        {{ return({'relations': []}) }}
    {%- endif -%}
    {{ return(dbt.materialization_test_default()) }}
{%- endmaterialization %}
