-- Each entity keeps its row count from the raw source through staging and intermediate to its mart:
-- returns one row per layer whose count differs from the raw source's.
with

counts as (
    select 'line_items' as entity, 'source' as layer, count(*) as row_count
    from {{ source('tpch', 'lineitem') }}
    union all
    select 'line_items', 'staging', count(*) from {{ ref('stg_tpch__line_items') }}
    union all
    select 'line_items', 'intermediate', count(*) from {{ ref('int_order_items__enriched') }}
    union all
    select 'line_items', 'mart', count(*) from {{ ref('fct_order_items') }}
    union all
    select 'orders', 'source', count(*) from {{ source('tpch', 'orders') }}
    union all
    select 'orders', 'staging', count(*) from {{ ref('stg_tpch__orders') }}
    union all
    select 'orders', 'mart', count(*) from {{ ref('fct_orders') }}
    union all
    select 'customers', 'source', count(*) from {{ source('tpch', 'customer') }}
    union all
    select 'customers', 'staging', count(*) from {{ ref('stg_tpch__customers') }}
    union all
    select 'customers', 'mart', count(*) from {{ ref('customer_lifetime_value') }}
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
