{% macro inputs_are_unchanged(published, inputs) %}
    {{ return(published is not none and inputs is not none and published.inputs == inputs
        and not should_full_refresh()) }}
{% endmacro %}

{% macro keep_published_version(relation, published) %}
    {% do store_unchanged_result('unchanged: keeps version ' ~ published.version) %}
    {{ return({'relations': [relation]}) }}
{% endmacro %}

{% macro store_unchanged_result(message='unchanged', agate_table=none) %}
    {% do store_raw_result('main', message=message, code='UNCHANGED', rows_affected=none,
        agate_table=agate_table) %}
{% endmacro %}
