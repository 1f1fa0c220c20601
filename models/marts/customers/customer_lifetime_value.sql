with

customers as (
    select * from {{ ref('dim_customer') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

per_customer as (
    select
        customer_key,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        count(*) as order_count,
        sum(net_revenue) as lifetime_net_revenue,
        sum(gross_margin) as lifetime_gross_margin
    from orders
    group by customer_key
),

final as (
    select
        customers.customer_key,
        customers.customer_name,
        customers.market_segment,
        customers.nation_name,
        customers.region_name,
        per_customer.first_order_date,
        per_customer.last_order_date,
        coalesce(per_customer.order_count, 0) as order_count,
        cast(
            coalesce(per_customer.lifetime_net_revenue, 0) as decimal(22, 4)
        ) as lifetime_net_revenue,
        cast(
            coalesce(per_customer.lifetime_gross_margin, 0) as decimal(22, 4)
        ) as lifetime_gross_margin,
        cast(
            per_customer.lifetime_net_revenue / per_customer.order_count as decimal(22, 4)
        ) as average_order_value,
        datediff(
            per_customer.last_order_date, per_customer.first_order_date
        ) as customer_tenure_days,
        per_customer.order_count is not null as has_ordered
    from customers
    left join per_customer
        on customers.customer_key = per_customer.customer_key
)

select * from final
