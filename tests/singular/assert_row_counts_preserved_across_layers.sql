-- Each entity keeps its row count from the raw source through staging and intermediate to its mart:
-- returns one row per layer whose count differs from the raw source's.
with

counts as (
    {%- set layers = [
        ('line_items', 'source', source('tpch', 'lineitem')),
        ('line_items', 'staging', ref('stg_tpch__line_items')),
        ('line_items', 'intermediate', ref('int_order_items__enriched')),
        ('line_items', 'mart', ref('fct_order_items')),
        ('orders', 'source', source('tpch', 'orders')),
        ('orders', 'staging', ref('stg_tpch__orders')),
        ('orders', 'mart', ref('fct_orders')),
        ('customers', 'source', source('tpch', 'customer')),
        ('customers', 'staging', ref('stg_tpch__customers')),
        ('customers', 'mart', ref('customer_lifetime_value')),
    ] %}
    {%- for entity, layer, relation in layers %}
        select
            '{{ entity }}' as entity,
            '{{ layer }}' as layer,
            count(*) as row_count
        from {{ relation }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

source_counts as (
    select
        entity,
        row_count as source_row_count
    from counts
    where layer = 'source'
)

select
    counts.entity,
    counts.layer,
    counts.row_count,
    source_counts.source_row_count
from counts
inner join source_counts
    on counts.entity = source_counts.entity
where counts.row_count != source_counts.source_row_count
