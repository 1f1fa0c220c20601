{{ config(**kept_by_month(batched=true)) }}

-- In microbatches of a month: dbt runs it once per month a run reaches, fct_order_items filtered
-- to that month by its event_time (order_month), and the other months are kept.

with

order_items as (
    select * from {{ ref('fct_order_items') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

final as (
    select
        order_items.order_month,
        customers.nation_key,
        customers.nation_name,
        customers.region_name,
        count(distinct order_items.order_key) as order_count,
        count(*) as line_item_count,
        cast(sum(order_items.gross_revenue) as decimal(22, 4)) as gross_revenue,
        cast(sum(order_items.net_revenue) as decimal(22, 4)) as net_revenue,
        cast(sum(order_items.supply_cost) as decimal(22, 4)) as supply_cost,
        cast(sum(order_items.gross_margin) as decimal(22, 4)) as gross_margin
    from order_items
    left join customers
        on order_items.customer_key = customers.customer_key
    group by
        order_items.order_month,
        customers.nation_key,
        customers.nation_name,
        customers.region_name
)

select * from final
