-- Q15 top supplier: the supplier(s) with the highest revenue of 1996-Q1.
with

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

suppliers as (
    select * from {{ ref('stg_tpch__suppliers') }}
),

revenue as (
    select
        supplier_key,
        sum(extended_price * (1 - discount_rate)) as total_revenue
    from line_items
    where ship_date >= date '1996-01-01' and ship_date < add_months(date '1996-01-01', 3)
    group by supplier_key
),

final as (
    select
        suppliers.supplier_key,
        suppliers.supplier_name,
        suppliers.supplier_address,
        suppliers.phone_number,
        revenue.total_revenue
    from suppliers
    inner join revenue
        on suppliers.supplier_key = revenue.supplier_key
    where revenue.total_revenue = (select max(top.total_revenue) from revenue as top)
)

select * from final
