{% macro prepare_swap(target_relation) %}
    {%- set run_id = (invocation_id | replace('-', ''))[:12] -%}
    {%- set name = target_relation.identifier -%}
    {%- set swap = {
        'staging': target_relation.incorporate(path={'identifier': name ~ '__dbt_new_' ~ run_id}),
        'backup': target_relation.incorporate(path={'identifier': name ~ '__dbt_old_' ~ run_id}),
        'existing': load_cached_relation(target_relation),
    } -%}
    {#- Leftovers of a run that was killed: half-built tables go; a previous version caught between
        the two renames of a swap is put back if the target is missing. -#}
    {%- set leftovers = run_query(
        'show tables in ' ~ target_relation.schema ~ " like '" ~ name ~ "__dbt_*'") -%}
    {%- for row in leftovers -%}
        {%- set relation = target_relation.incorporate(
            path={'identifier': row['tableName']}, type='table') -%}
        {%- if '__dbt_old_' in row['tableName'] and swap.existing is none -%}
            {% do adapter.rename_relation(relation, target_relation) %}
            {% do swap.update({'existing': target_relation.incorporate(type='table')}) %}
        {%- elif row['tableName'].startswith(name ~ '__dbt_new_')
            or row['tableName'].startswith(name ~ '__dbt_old_') -%}
            {% do adapter.drop_relation(relation) %}
        {%- endif -%}
    {%- endfor -%}
    {{ return(swap) }}
{% endmacro %}
