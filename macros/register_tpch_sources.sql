{% macro register_tpch_sources() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set dataset = tpch_dataset_location() -%}
    {%- set sources = graph.sources.values()
        | selectattr('source_name', 'equalto', 'tpch') | list -%}
    {%- set raw = [] -%}
    {%- for source in sources -%}
        {%- set columns = [] -%}
        {%- for column in source.columns.values() -%}
            {%- do columns.append(column.name ~ ' ' ~ column.data_type) -%}
        {%- endfor -%}
        {%- do raw.append({'identifier': source.identifier,
            'location': dataset ~ '/' ~ source.identifier, 'columns': columns}) -%}
    {%- endfor -%}
    {#- External tables over the files, refreshed each run (raw_tables.py in the adapter). -#}
    {%- set file_counts = adapter.register_raw_tables(sources[0].schema, raw) -%}
    {%- set scale = tpch_scale_label() -%}
    {%- for source in sources if file_counts[source.identifier] == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw TPC-H table '" ~ source.identifier ~ "' has no Parquet file in "
            ~ dataset ~ '/' ~ source.identifier ~ "/. Generate the data with `make data SCALE="
            ~ scale ~ "` (or `lakehouse data --scale " ~ scale ~ "`).") }}
    {%- endfor -%}
{% endmacro %}
