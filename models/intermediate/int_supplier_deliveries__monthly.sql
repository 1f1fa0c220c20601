{{ config(**kept_by_month()) }}

-- Each supplier's deliveries in one order month, kept as parts that add up across months (counts,
-- sums, maxima; an average is a sum over a count), so that supplier_delivery_performance adds up
-- months instead of reading every line item. A run rebuilds the months fct_order_items rebuilt.

with

order_items as (
    select * from {{ ref('fct_order_items') }}
    {{ incremental_month_filter('order_month', latest_column='order_month') }}
),

final as (
    select
        supplier_key,
        count(*) as line_item_count,
        count_if(is_late) as late_line_item_count,
        count_if(is_within_carrier_sla) as within_carrier_sla_count,
        sum(ship_delay_days) as ship_delay_days_sum,
        count(ship_delay_days) as ship_delay_days_count,
        sum(transit_days) as transit_days_sum,
        count(transit_days) as transit_days_count,
        max(commit_delay_days) as max_commit_delay_days,
        sum(net_revenue) as net_revenue,
        order_month
    from order_items
    group by supplier_key, order_month
)

select * from final
