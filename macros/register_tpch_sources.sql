{% macro register_tpch_sources() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set dataset = tpch_dataset_location() -%}
    {%- set sources = graph.sources.values()
        | selectattr('source_name', 'equalto', 'tpch') | list -%}
    {%- set scale = tpch_scale_label() -%}
    {% do run_query('create schema if not exists ' ~ sources[0].schema) %}
    {%- for source in sources -%}
        {%- set table = source.schema ~ '.' ~ source.identifier -%}
        {%- set location = quote_spark_string(dataset ~ '/' ~ source.identifier) -%}
        {%- set columns = [] -%}
        {%- for column in source.columns.values() -%}
            {%- do columns.append(column.name ~ ' ' ~ column.data_type) -%}
        {%- endfor -%}
        {#- Registered afresh on every run (the files are the truth; dropping an external table
            keeps them). Every file below the folder is read: flat or in daily landing folders. -#}
        {% do run_query('drop table if exists ' ~ table) %}
        {% do run_query(
            'create table ' ~ table ~ ' (' ~ columns | join(', ') ~ ')'
            ~ " using parquet options (recursiveFileLookup 'true') location " ~ location) %}
        {%- set row_count = run_query('select count(*) from ' ~ table).columns[0].values()[0] -%}
        {%- if row_count == 0 -%}
            {{ exceptions.raise_compiler_error(
                "Raw TPC-H table '" ~ source.identifier ~ "' has no Parquet file in "
                ~ dataset ~ '/' ~ source.identifier ~ "/. Generate the data with `make data SCALE="
                ~ scale ~ "` (or `lakehouse data --scale " ~ scale ~ "`).") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
