{#- Snapshots (SCD2) on plain Parquet. dbt-spark's snapshot merges into a Delta, Iceberg or Hudi
    table; here each run writes the whole history as a new generation table and then switches the
    snapshot's view to it, as tables do (a failed run keeps the last history). The history is what
    dbt's MERGE would leave: dbt's own staging query (snapshot_staging_table: inserts, updates and,
    with hard_deletes, deletes) applied to the served history, in lakehouse_snapshot_history. Every
    snapshot option of dbt is dbt's: strategy timestamp or check, unique_key (one column or a
    list), hard_deletes ignore | invalidate | new_record, dbt_valid_to_current,
    snapshot_meta_column_names. A run whose inputs are those of the served history keeps it: with
    nothing new, dbt's MERGE would change nothing either. The YAML descriptions reach the catalog
    as a table model's do (generations/comments.sql). -#}
{% materialization snapshot, adapter='lakehouse_spark' %}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set served = lakehouse_served_generation(this) -%}
    {%- set inputs = adapter.model_inputs(model, graph, model['compiled_code']) -%}
    {%- if lakehouse_inputs_are_unchanged(served, inputs) -%}
        {{ return(lakehouse_keep_served_generation(target_relation, served)) }}
    {%- endif -%}
    {%- set strategy = strategy_dispatch(config.get('strategy'))(
        model, 'snapshotted_data', 'source_data', model['config'], served is not none) -%}
    {%- set generation_table = adapter.generation_table(this, lakehouse_new_generation_id(served)) -%}
    {% do lakehouse_drop_unserved_generations(this, served) %}

    {{ run_hooks(pre_hooks) }}
    {%- if served is none -%}
        {%- set history_sql = build_snapshot_table(strategy, model['compiled_code']) -%}
    {%- else -%}
        {%- set columns = config.get('snapshot_table_column_names')
            or get_snapshot_table_column_names() -%}
        {{ adapter.assert_valid_snapshot_target_given_strategy(target_relation, columns, strategy) }}
        {%- set history_sql = lakehouse_snapshot_history(
            strategy, model['compiled_code'], target_relation, served.table, columns) -%}
    {%- endif -%}
    {{ check_time_data_types(history_sql) }}
    {%- call statement('main') -%}
        {{ create_table_as(False, generation_table, lakehouse_with_column_comments(history_sql)) }}
    {%- endcall -%}
    {% do lakehouse_publish_generation(target_relation, 'select * from ' ~ generation_table) %}
    {% do adapter.record_inputs(target_relation, inputs, lakehouse_relation_comment()) %}

    {% do apply_grants(target_relation, config.get('grants'), should_revoke(existing, false)) %}
    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- The history after this run, as dbt's snapshot MERGE would leave it: every served row, its
    valid-to set where the staging query updates or deletes it (matched on the SCD id, while it is
    current), then the staging query's inserts whose SCD id is not there yet. Columns the source
    gained are added (null in older rows), columns it lost are kept (null in new rows), as dbt's
    snapshots do. -#}
{% macro lakehouse_snapshot_history(strategy, sql, target_relation, history_table, columns) %}
    {%- set staged = target_relation.incorporate(
        path={'identifier': target_relation.identifier ~ '__dbt_tmp'}).include(
        database=false, schema=false) -%}
    {%- call statement('stage_changes') -%}
        {{ create_table_as(True, staged, snapshot_staging_table(strategy, sql, target_relation)) }}
    {%- endcall -%}
    {%- set kept = adapter.get_columns_in_relation(history_table) | map(attribute='name') | list -%}
    {%- set staged_names = adapter.get_columns_in_relation(staged) | map(attribute='name') | list -%}
    {%- set staging_only = ['dbt_change_type', 'dbt_unique_key'] -%}
    {%- set added = [] -%}
    {%- for column in staged_names -%}
        {%- if column not in kept and column not in staging_only
            and not column.startswith('dbt_unique_key_') -%}
            {%- do added.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set current_condition = 'history.' ~ columns.dbt_valid_to ~ ' is null' -%}
    {%- if config.get('dbt_valid_to_current') -%}
        {%- set current_condition = '(' ~ current_condition ~ ' or history.' ~ columns.dbt_valid_to
            ~ ' = ' ~ config.get('dbt_valid_to_current') ~ ')' -%}
    {%- endif -%}
    {%- set history_columns = [] -%}
    {%- set inserted_columns = [] -%}
    {%- for column in kept + added -%}
        {%- if column == columns.dbt_valid_to -%}
            {%- do history_columns.append('case when ended.' ~ columns.dbt_scd_id ~ ' is not null then ended.'
                ~ column ~ ' else history.' ~ column ~ ' end as ' ~ column) -%}
        {%- else -%}
            {%- do history_columns.append(('history.' ~ column if column in kept else 'null')
                ~ ' as ' ~ column) -%}
        {%- endif -%}
        {%- do inserted_columns.append(
            ('staged.' ~ column if column in staged_names else 'null') ~ ' as ' ~ column) -%}
    {%- endfor -%}
    select {{ history_columns | join(',\n        ') }}
    from {{ history_table }} as history
    left join (
        select {{ columns.dbt_scd_id }}, {{ columns.dbt_valid_to }}
        from {{ staged }}
        where dbt_change_type in ('update', 'delete')
    ) as ended
        on history.{{ columns.dbt_scd_id }} = ended.{{ columns.dbt_scd_id }}
        and {{ current_condition }}
    union all
    select {{ inserted_columns | join(',\n        ') }}
    from {{ staged }} as staged
    where staged.dbt_change_type = 'insert'
        and staged.{{ columns.dbt_scd_id }} not in (
            select {{ columns.dbt_scd_id }} from {{ history_table }}
        )
{% endmacro %}
