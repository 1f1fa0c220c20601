{{ config(**kept_by_month()) }}

with

order_items as (
    select * from {{ ref('int_order_items__enriched') }}
    {{ incremental_month_filter('order_month') }}
),

final as (
    select
        order_key,
        line_number,
        customer_key,
        part_key,
        supplier_key,
        order_date,
        ship_date,
        commit_date,
        receipt_date,
        ship_mode,
        return_flag,
        line_status,
        quantity,
        discount_rate,
        tax_rate,
        gross_revenue,
        net_revenue,
        supply_cost,
        gross_margin,
        ship_delay_days,
        commit_delay_days,
        transit_days,
        is_late,
        is_within_carrier_sla,
        order_month
    from order_items
)

select * from final
