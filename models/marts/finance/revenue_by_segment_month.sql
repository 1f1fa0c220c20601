{{ config(**kept_by_month()) }}

-- By the market segment each customer had on the order date (dim_customer_history), not the one
-- they have now. A new version holds from the latest extract's day on, which is in the months a
-- run rebuilds, so the months kept stay right.

with

order_items as (
    select * from {{ ref('fct_order_items') }}
    {{ incremental_month_filter('order_month', latest_column='order_month') }}
),

customer_versions as (
    select * from {{ ref('dim_customer_history') }}
),

final as (
    select
        order_items.order_month,
        customer_versions.market_segment,
        count(distinct order_items.customer_key) as customer_count,
        count(distinct order_items.order_key) as order_count,
        cast(sum(order_items.net_revenue) as decimal(22, 4)) as net_revenue,
        cast(sum(order_items.gross_margin) as decimal(22, 4)) as gross_margin
    from order_items
    left join customer_versions
        on
            order_items.customer_key = customer_versions.customer_key
            and {{ held_on('customer_versions', 'order_items.order_date') }}
    group by
        order_items.order_month,
        customer_versions.market_segment
)

select * from final
