-- Q1 pricing summary report: line items shipped by 90 days before 1998-12-01, per return flag and
-- line status.
with

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

final as (
    select
        return_flag,
        line_status,
        sum(quantity) as sum_qty,
        sum(extended_price) as sum_base_price,
        sum(extended_price * (1 - discount_rate)) as sum_disc_price,
        sum(extended_price * (1 - discount_rate) * (1 + tax_rate)) as sum_charge,
        avg(quantity) as avg_qty,
        avg(extended_price) as avg_price,
        avg(discount_rate) as avg_disc,
        count(*) as count_order
    from line_items
    where ship_date <= date_sub(date '1998-12-01', 90)
    group by return_flag, line_status
)

select * from final
