{{ config(**kept_by_month()) }}

with

orders as (
    select * from {{ ref('stg_tpch__orders') }}
    {{ incremental_month_filter('order_date', landed=true) }}
),

order_items as (
    select * from {{ ref('int_order_items__enriched') }}
    {{ incremental_month_filter('order_month') }}
),

order_priorities as (
    select * from {{ ref('order_priorities') }}
),

order_item_totals as (
    select
        order_key,
        count(*) as line_item_count,
        sum(quantity) as total_quantity,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue,
        sum(supply_cost) as supply_cost,
        sum(gross_margin) as gross_margin,
        count_if(is_late) as late_line_item_count,
        max(ship_date) as last_ship_date,
        max(receipt_date) as last_receipt_date
    from order_items
    group by order_key
),

final as (
    select
        orders.order_key,
        orders.customer_key,
        orders.order_date,
        orders.order_status,
        orders.order_priority,
        order_priorities.priority_rank,
        orders.clerk_name,
        orders.total_price,
        coalesce(order_item_totals.line_item_count, 0) as line_item_count,
        cast(coalesce(order_item_totals.total_quantity, 0) as decimal(18, 2)) as total_quantity,
        cast(coalesce(order_item_totals.gross_revenue, 0) as decimal(18, 4)) as gross_revenue,
        cast(coalesce(order_item_totals.net_revenue, 0) as decimal(18, 4)) as net_revenue,
        cast(coalesce(order_item_totals.supply_cost, 0) as decimal(18, 4)) as supply_cost,
        cast(coalesce(order_item_totals.gross_margin, 0) as decimal(18, 4)) as gross_margin,
        coalesce(order_item_totals.late_line_item_count, 0) as late_line_item_count,
        order_item_totals.last_ship_date,
        order_item_totals.last_receipt_date,
        datediff(order_item_totals.last_receipt_date, orders.order_date) as fulfilment_days,
        cast(trunc(orders.order_date, 'MM') as date) as order_month
    from orders
    left join order_item_totals
        on orders.order_key = order_item_totals.order_key
    left join order_priorities
        on orders.order_priority = order_priorities.order_priority
)

select * from final
