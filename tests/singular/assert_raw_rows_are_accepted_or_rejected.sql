-- Every raw row (of the latest extract, for a table landed as daily extracts) is either accepted
-- into staging or kept in its table's quarantine: returns one row per raw table whose row count
-- differs from staging plus rejected.
with

counts as (
    {%- set tables = [
        ('region', 'stg_tpch__regions'),
        ('nation', 'stg_tpch__nations'),
        ('supplier', 'stg_tpch__suppliers'),
        ('customer', 'stg_tpch__customers'),
        ('part', 'stg_tpch__parts'),
        ('partsupp', 'stg_tpch__part_suppliers'),
        ('orders', 'stg_tpch__orders'),
        ('lineitem', 'stg_tpch__line_items'),
    ] %}
    {%- for table, staging_model in tables %}
        select
            '{{ table }}' as raw_table,
            (
                select count(*) from {{ source('tpch', table) }}
                where {{ in_latest_extract(table) }}
            ) as raw_rows,
            (select count(*) from {{ ref(staging_model) }}) as accepted_rows,
            (select count(*) from {{ ref('stg_tpch__' ~ table ~ '_rejected') }}) as rejected_rows
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select *
from counts
where raw_rows != accepted_rows + rejected_rows
