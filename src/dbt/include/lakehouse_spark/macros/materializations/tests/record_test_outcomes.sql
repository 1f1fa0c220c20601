{#- on-run-end: records on each relation the data tests that passed on what it serves now, and on
    each model the unit tests that passed, so that the next run skips them while they would read
    the same (the test and unit materializations); says what the run kept as it was. -#}
{% macro lakehouse_record_test_outcomes(results) %}
    {%- if execute -%}
        {% do adapter.record_test_outcomes(results, graph) %}
        {%- set kept = {'model': 0, 'snapshot': 0, 'seed': 0, 'test': 0, 'unit_test': 0} -%}
        {%- for result in results if result.adapter_response.get('code') == 'UNCHANGED' -%}
            {%- do kept.update({result.node.resource_type: kept[result.node.resource_type] + 1}) -%}
        {%- endfor -%}
        {%- if kept.values() | sum -%}
            {{ log('Nothing they read changed: ' ~ kept.model ~ ' models, ' ~ kept.snapshot
                ~ ' snapshots and ' ~ kept.seed ~ ' seeds kept as published, ' ~ kept.test
                ~ ' data tests and ' ~ kept.unit_test ~ ' unit tests passed again without running.'
                ~ ' `dbt build --full-refresh` rebuilds'
                ~ ' and runs everything.', info=True) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
