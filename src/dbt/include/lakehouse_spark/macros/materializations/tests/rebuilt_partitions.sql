{#- Data tests that read only what changed, for tests with meta `rebuilt_partitions_only` (set for
    every data test in dbt_project.yml):
    - a test of an incremental model reads the partitions the run rebuilt;
    - a test of a raw table landed in partition folders, or of a view reading one alone, reads the
      partitions landed since it last passed (the adapter's landed.py says when that is exact).
    The narrowing happens in two steps because a test's SQL is compiled once and checked each run:
    its compiled SQL carries a mark (`true /* rebuilt partitions */`, `true /* landed partitions
    of <relation> */`, the same every run, so that a test that passed on what is served is still
    recognised), and the query run replaces the mark by what this run must read. -#}

{#- dbt's where config, plus the mark on a test of an incremental model with the meta set. -#}
{% macro lakehouse_spark__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {#- `true and`: right after `where`, an opening parenthesis would read as column aliases. -#}
        {%- do conditions.append('true and (' ~ config.get('where') ~ ')') -%}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) if execute else none -%}
    {%- if (config.get('meta') or {}).get('rebuilt_partitions_only') -%}
        {%- if tested and tested.config.materialized == 'incremental' -%}
            {%- do conditions.append(lakehouse_rebuilt_partitions_mark()) -%}
        {%- elif tested is none or tested.config.materialized == 'view' -%}
            {#- A source or a view: narrowed when it turns out to read landed partitions. -#}
            {%- do conditions.append(adapter.landed_partitions_mark(relation)) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery'
        if conditions else relation) }}
{%- endmacro %}

{% macro lakehouse_rebuilt_partitions_mark() %}
    {{ return('true /* rebuilt partitions */') }}
{% endmacro %}

{#- dbt's test query, with the marks replaced by lakehouse_rebuilt_partitions_predicate and the
    adapter's landed_partitions_predicate. -#}
{% macro lakehouse_spark__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    {%- set mark = lakehouse_rebuilt_partitions_mark() -%}
    {%- if mark in main_sql -%}
        {%- set main_sql = main_sql | replace(mark,
            lakehouse_rebuilt_partitions_predicate(model) ~ ' /* rebuilt partitions */') -%}
    {%- endif -%}
    {#- `true and (...)`: right after `where`, an opening parenthesis would read as column aliases. -#}
    {%- set narrowed = namespace(sql=main_sql) -%}
    {%- for relation in adapter.landed_marks(main_sql) -%}
        {%- set landed_mark = adapter.landed_partitions_mark(relation) -%}
        {%- set predicate = adapter.landed_partitions_predicate(model, relation, graph) -%}
        {%- set narrowed.sql = narrowed.sql | replace(landed_mark,
            landed_mark if predicate == 'true' else landed_mark | replace('true ', 'true and (' ~ predicate ~ ') ', 1)) -%}
    {%- endfor -%}
    {%- set main_sql = narrowed.sql -%}
    {{ dbt.default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) }}
{%- endmacro %}

{#- The partitions of the test's incremental model that this run wrote (generation at least
    lakehouse_run_generation_id), as a predicate on its partition columns; `true` when the run
    rebuilt all of it (without listing partitions when its generation table is new in this run) or
    none of it, when the test also reads a view, a model that is not in generations or one that
    this run rebuilt, or when it has not passed on the partitions the run kept (never run, failed
    last time, or some rewritten since by a run that did not test them). -#}
{% macro lakehouse_rebuilt_partitions_predicate(test) %}
    {%- set since = lakehouse_run_generation_id() | int -%}
    {%- set found = {'tested': none} -%}
    {%- for unique_id in test.depends_on.nodes -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {#- A view model serves what its inputs serve now, whatever generation it is. -#}
        {%- set served = none if node is none or node.resource_type != 'model'
            or node.config.materialized == 'view'
            else lakehouse_served_generation(api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias)) -%}
        {%- if unique_id == test.attached_node -%}
            {%- do found.update({'tested': served}) -%}
        {%- elif served is none or served.generation | int >= since -%}
            {{ return('true') }}
        {%- endif -%}
    {%- endfor -%}
    {%- set tested = found.tested -%}
    {#- A generation table created by this run (a full build) holds only partitions it wrote. -#}
    {%- if tested is none or not tested.partitioned or tested.generation | int < since
        or tested.table_generation | int >= since -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set current = lakehouse_list_partition_generations(
        tested.table, tested.generation, once_per_run=true).current -%}
    {%- set rebuilt, kept = [], [] -%}
    {%- for partition in current -%}
        {%- if partition.generation | int >= since -%}
            {%- do rebuilt.append(partition) -%}
        {%- else -%}
            {%- do kept.append(partition.generation) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if kept and not adapter.test_passed_on_kept_partitions(
            test, graph, test.compiled_code, kept) -%}
        {{ return('true') }}
    {%- endif -%}
    {{ return('true' if not kept
        else '(' ~ lakehouse_partitions_condition(rebuilt) ~ ')') }}
{% endmacro %}
