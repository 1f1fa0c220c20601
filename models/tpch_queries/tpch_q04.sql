-- Q4 order priority checking: orders of 1993-Q3 with at least one line received after its commit
-- date, per order priority.
with

orders as (
    select * from {{ ref('stg_tpch__orders') }}
),

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

late_orders as (
    select distinct order_key
    from line_items
    where commit_date < receipt_date
),

final as (
    select
        orders.order_priority,
        count(*) as order_count
    from orders
    inner join late_orders
        on orders.order_key = late_orders.order_key
    where
        orders.order_date >= date '1993-07-01'
        and orders.order_date < add_months(date '1993-07-01', 3)
    group by orders.order_priority
)

select * from final
