{#- Whether the raw table is registered with these columns (['name type', ...], in order) over this
    location, partitioned by landing_date or not as `landed` says: then a run refreshes it instead
    of dropping and creating it. -#}
{% macro raw_table_matches(table, columns, location, landed) %}
    {%- set registered = [] -%}
    {%- set described = namespace(location=none, in_columns=true, partitioned=false) -%}
    {%- for row in run_query('describe table extended ' ~ table).rows -%}
        {%- if row[0] == '# Partition Information' -%}
            {%- set described.partitioned = true -%}
            {%- set described.in_columns = false -%}
        {%- elif row[0] == '' or row[0].startswith('#') -%}
            {%- set described.in_columns = false -%}
        {%- elif described.in_columns -%}
            {%- do registered.append(row[0] ~ ' ' ~ row[1]) -%}
        {%- elif row[0] == 'Location' -%}
            {%- set described.location = row[1] -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(registered == columns and described.partitioned == landed
        and described.location in [location, 'file:' ~ location]) }}
{% endmacro %}
