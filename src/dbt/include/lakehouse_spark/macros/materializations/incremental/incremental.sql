{#- Incremental models in partition generations. The generation table is partitioned by the
    model's partition_by columns and lakehouse_generation; a run writes its rows as a new generation
    beside the served ones (existing files are never rewritten), then switches the model's view
    with one metastore write (lakehouse_partition_filter). What the view serves after a run depends
    on incremental_strategy (lakehouse_incremental_strategy):
    - insert_overwrite: per partition the latest generation, so the partitions the new rows fall
      in replace the served ones;
    - microbatch: dbt runs the model once per batch of event_time (its refs filtered to the
      batch), and each batch is an insert_overwrite of its partitions, published on its own;
    - append: every generation written, so the new rows are added to the served ones.
    A first build or --full-refresh starts a new generation table, as tables do. on_schema_change
    may be 'fail' (lakehouse_assert_same_columns) or 'ignore'. Like tables, a run whose inputs are
    those of the served generation keeps it (its SQL compared as written, since the compiled SQL
    differs between a full build and an incremental run); a microbatch batch runs unless a
    batch holding it was built from the same inputs (microbatch_plan.py). -#}
{% materialization incremental, adapter='lakehouse_spark', supported_languages=['sql', 'python'] %}
    {%- set strategy = lakehouse_incremental_strategy() -%}
    {%- set appends = strategy == 'append' -%}
    {%- set language = model['language'] -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set served = lakehouse_served_generation(this) -%}
    {%- set inputs = adapter.model_inputs(model, graph, compiled_code) -%}
    {%- if lakehouse_inputs_are_unchanged(served, inputs) and (strategy != 'microbatch'
        or adapter.batch_is_built(served.batches, model.batch)) -%}
        {{ return(lakehouse_keep_served_generation(target_relation, served)) }}
    {%- endif -%}
    {%- set full_build = served is none or not served.partitioned or should_full_refresh() -%}
    {%- set generation = lakehouse_new_generation_id(served) -%}
    {%- set generation_table = adapter.generation_table(this, generation) if full_build else served.table -%}
    {% do lakehouse_drop_unserved_generations(this, served) %}
    {%- if not full_build -%}
        {% do lakehouse_drop_partitions(generation_table, lakehouse_partitions_to_drop(
            lakehouse_list_partition_generations(generation_table, served.generation, appends))) %}
    {%- endif -%}

    {%- set staged = this.incorporate(path={'identifier': this.identifier ~ '__dbt_tmp'}) -%}
    {%- set model_sql = compiled_code -%}
    {%- if language == 'sql' -%}
        {%- set staged = staged.include(database=false, schema=false) -%}
        {%- if config.get('contract').enforced -%}
            {% do get_assert_columns_equivalent(compiled_code) %}
            {%- set model_sql = get_select_subquery(compiled_code) -%}
        {%- endif -%}
    {%- endif -%}

    {{ run_hooks(pre_hooks) }}
    {%- call statement('stage_rows', language=language) -%}
        {{ create_table_as(True, staged, lakehouse_with_column_comments(model_sql), language) }}
    {%- endcall -%}
    {#- The generation table's columns: described once, before an insert, after a create. The
        new rows' columns, in the model's order, are the order the view serves. -#}
    {%- set table_columns = none if full_build else adapter.get_columns_in_relation(generation_table) -%}
    {%- set staged_columns = adapter.get_columns_in_relation(staged) -%}
    {%- if config.get('on_schema_change') == 'fail' and not full_build -%}
        {% do lakehouse_assert_same_columns(staged_columns, table_columns) %}
    {%- endif -%}
    {%- call statement('main') -%}
        {{ lakehouse_write_partition_generation(generation_table, staged, generation,
            none if full_build else table_columns | map(attribute='name') | list) }}
    {%- endcall -%}
    {%- if language == 'python' -%}
        {% do adapter.drop_relation(staged.incorporate(type='table')) %}
    {%- endif -%}
    {%- set columns = staged_columns | map(attribute='name')
        | reject('equalto', adapter.generation_column()) | list -%}
    {%- set partitions = lakehouse_list_partition_generations(generation_table, generation, appends).current -%}
    {%- if not full_build -%}
        {% do lakehouse_refresh_comments(target_relation, generation_table) %}
    {%- endif -%}
    {% do lakehouse_publish_generation(target_relation,
        'select ' ~ columns | join(', ') ~ '\nfrom ' ~ generation_table
        ~ '\nwhere ' ~ lakehouse_partition_filter(partitions, generation)) %}
    {%- if strategy == 'microbatch' -%}
        {% do adapter.record_batch(target_relation, inputs,
            none if full_build or served.inputs != inputs else served.batches, model.batch,
            lakehouse_relation_comment()) %}
    {%- else -%}
        {% do adapter.record_inputs(target_relation, inputs, lakehouse_relation_comment()) %}
    {%- endif -%}

    {% do apply_grants(target_relation, config.get('grants'), should_revoke(existing, full_build)) %}
    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- The model's incremental_strategy (insert_overwrite unless set) and on_schema_change, checked;
    a clear error for what plain Parquet cannot do or the model lacks. -#}
{% macro lakehouse_incremental_strategy() %}
    {%- set strategy = config.get('incremental_strategy') or 'insert_overwrite' -%}
    {%- set on_schema_change = config.get('on_schema_change') or 'ignore' -%}
    {%- if strategy == 'merge' -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": incremental_strategy 'merge' needs a table format that updates rows in "
            ~ "place (Delta, Iceberg, Hudi); this project writes plain Parquet. Use "
            ~ "'insert_overwrite' (rewrite the partitions the new rows fall in), 'microbatch' "
            ~ "(rewrite batches of event_time) or 'append' (add rows).") }}
    {%- elif strategy not in ['insert_overwrite', 'microbatch', 'append'] -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": unknown incremental_strategy '" ~ strategy ~ "': use "
            ~ "'insert_overwrite', 'microbatch' or 'append'.") }}
    {%- elif strategy == 'microbatch' and not lakehouse_partition_columns() -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": incremental_strategy 'microbatch' rewrites the partitions of each "
            ~ "batch: set partition_by to a column derived from event_time ('"
            ~ config.get('event_time') ~ "') at the batch size or coarser.") }}
    {%- elif on_schema_change not in ['ignore', 'fail'] -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": on_schema_change '" ~ on_schema_change ~ "' is not supported by "
            ~ "partition generations: use 'fail' or 'ignore' (change the columns with "
            ~ "--full-refresh).") }}
    {%- endif -%}
    {{ return(strategy) }}
{% endmacro %}

{#- dbt's is_incremental(), for models served through a view: true when the model's view serves
    partition generations and this is not a full refresh. -#}
{% macro is_incremental() %}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if model.config.materialized != 'incremental' or should_full_refresh() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set served = lakehouse_served_generation(this) -%}
    {{ return(served is not none and served.partitioned) }}
{% endmacro %}
