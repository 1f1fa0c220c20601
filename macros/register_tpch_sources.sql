{% macro register_tpch_sources() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set dataset = tpch_dataset_location() -%}
    {%- set sources = graph.sources.values()
        | selectattr('source_name', 'equalto', 'tpch') | list -%}
    {%- set scale = tpch_scale_label() -%}
    {% do run_query('create schema if not exists ' ~ sources[0].schema) %}
    {%- set registered = run_query('show tables in ' ~ sources[0].schema)
        .columns['tableName'].values() -%}
    {%- for source in sources -%}
        {%- set table = source.schema ~ '.' ~ source.identifier -%}
        {%- set location = dataset ~ '/' ~ source.identifier -%}
        {%- set columns = [] -%}
        {%- for column in source.columns.values() -%}
            {%- do columns.append(column.name ~ ' ' ~ column.data_type) -%}
        {%- endfor -%}
        {#- The files are the truth: registered once (an external table: dropping it keeps them),
            then refreshed so each run sees the files landed since, and readers always find the
            table. A folder of landing folders (the daily feed) is registered partitioned by its
            landing_date, which a build that wants recent rows prunes by; flat files are read
            recursively, landing_date null. -#}
        {%- set landed = 'landing_date date' in columns
            and adapter.has_partition_folders(location, 'landing_date') -%}
        {%- if source.identifier in registered
            and raw_table_matches(table, columns, location, landed) -%}
            {% do run_query(('repair table ' ~ table ~ ' sync partitions') if landed
                else ('refresh table ' ~ table)) %}
        {%- else -%}
            {#- First run, or another data folder, layout, scale or column list. -#}
            {% do run_query('drop table if exists ' ~ table) %}
            {% do run_query(
                'create table ' ~ table ~ ' (' ~ columns | join(', ') ~ ') using parquet '
                ~ ("partitioned by (landing_date) " if landed
                    else "options (recursiveFileLookup 'true') ")
                ~ 'location ' ~ quote_spark_string(location)) %}
            {%- if landed -%}
                {% do run_query('repair table ' ~ table ~ ' sync partitions') %}
            {%- endif -%}
        {%- endif -%}
        {#- Records the fingerprint of its files too: what reads it builds again if they change. -#}
        {%- set row_count = adapter.register_raw_files(table) -%}
        {%- if row_count == 0 -%}
            {{ exceptions.raise_compiler_error(
                "Raw TPC-H table '" ~ source.identifier ~ "' has no Parquet file in "
                ~ dataset ~ '/' ~ source.identifier ~ "/. Generate the data with `make data SCALE="
                ~ scale ~ "` (or `lakehouse data --scale " ~ scale ~ "`).") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
