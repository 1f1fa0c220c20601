-- Each entity keeps its accepted rows from staging through intermediate to its mart: returns
-- one row per layer whose count differs from staging's (raw rows breaking a rule stop before it).
with

counts as (
    {%- set layers = [
        ('line_items', 'staging', ref('stg_tpch__line_items')),
        ('line_items', 'intermediate', ref('int_order_items__enriched')),
        ('line_items', 'mart', ref('fct_order_items')),
        ('orders', 'staging', ref('stg_tpch__orders')),
        ('orders', 'mart', ref('fct_orders')),
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

staging_counts as (
    select
        entity,
        row_count as staging_row_count
    from counts
    where layer = 'staging'
)

select
    counts.entity,
    counts.layer,
    counts.row_count,
    staging_counts.staging_row_count
from counts
inner join staging_counts
    on counts.entity = staging_counts.entity
where counts.row_count != staging_counts.staging_row_count
