{% macro select_rejected_rows(source_relation) -%}
    select
        {{ rejection_reason(source_relation.identifier) }} as rejection_reason,
        to_json(struct(*)) as raw_row,
        _metadata.file_path as source_file
    from {{ source_relation }}
    where {{ breaks_rejection_rules(source_relation.identifier) }}
        and {{ in_latest_extract(source_relation.identifier) }}
{%- endmacro %}
