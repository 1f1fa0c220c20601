{% macro spark__get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where == '__rebuilt_partitions__' -%}
        {%- set tested = graph.nodes.get(model.attached_node) -%}
        {%- set where = 'true ' ~ rebuilt_partitions_mark()
            if tested and tested.config.materialized == 'incremental' else none -%}
    {%- endif -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery'
        if where else relation) }}
{%- endmacro %}

{% macro rebuilt_partitions_mark() %}
    {{ return('/* rebuilt partitions */') }}
{% endmacro %}

{% macro spark__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    {%- set mark = 'true ' ~ rebuilt_partitions_mark() -%}
    {%- if mark in main_sql -%}
        {%- set main_sql = main_sql | replace(mark, rebuilt_partitions_predicate(model)
            ~ ' ' ~ rebuilt_partitions_mark()) -%}
    {%- endif -%}
    {{ dbt.default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) }}
{%- endmacro %}

{% macro rebuilt_partitions_predicate(test) %}
    {%- set since = run_version_id() | int -%}
    {%- set found = {'tested': none} -%}
    {%- for unique_id in test.depends_on.nodes -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- set published = none if node is none or node.resource_type != 'model'
            else get_published_version(api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias)) -%}
        {%- if unique_id == test.attached_node -%}
            {%- do found.update({'tested': published}) -%}
        {%- elif published is none or published.version | int >= since -%}
            {{ return('true') }}
        {%- endif -%}
    {%- endfor -%}
    {%- set tested = found.tested -%}
    {#- A version table created by this run (a full build) holds only partitions it wrote. -#}
    {%- if tested is none or not tested.partitioned or tested.version | int < since
        or tested.table_version | int >= since -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set current = list_partition_versions(tested.table, tested.version).current -%}
    {%- set rebuilt = [] -%}
    {%- for partition in current if partition.version | int >= since -%}
        {%- do rebuilt.append(partition) -%}
    {%- endfor -%}
    {{ return('true' if rebuilt | length == current | length
        else '(' ~ partitions_condition(rebuilt) ~ ')') }}
{% endmacro %}
