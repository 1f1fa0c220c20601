{{ config(**kept_by_month('ship_month')) }}

-- Each supplier's shipments of one ship month, in ship order, kept as parts from which
-- supplier_reliability_scores follows the sequence of all of a supplier's shipments without
-- reading them: counts, the pairs of late shipments in a row and the changes of commit delay
-- within the month, and the month's first and last shipment for the pairs across months.
-- An incremental run rebuilds the ship months from the latest one less var max_ship_delay_days
-- and var fact_lookback_days: the months fct_order_items rebuilt ship in those. Their line items
-- were ordered at most var max_ship_delay_days before (a test holds every line item to it), so it
-- reads the order months from the latest ship month less twice that, the lookback and a month
-- (the first ship month is the first day of its month).

{%- set max_ship_delay_days = var_days('max_ship_delay_days') | int %}
{%- set first_ship_month = incremental_first_month('ship_month', max_ship_delay_days) | trim
    if is_incremental() else "date '1900-01-01'" %}

with

order_items as (
    select
        supplier_key,
        order_key,
        line_number,
        ship_date,
        commit_delay_days,
        is_late,
        trunc(ship_date, 'MM') as ship_month
    from {{ ref('fct_order_items') }}
    {{ incremental_month_filter(
        'order_month', latest_column='ship_month', days_before=2 * max_ship_delay_days + 31) }}
),

-- The ship months the run rebuilds, each with every line item shipped in it.
shipped as (
    select * from order_items
    where ship_date >= {{ first_ship_month }}
),

in_ship_order as (
    select
        *,
        lag(commit_delay_days) over by_ship_date as previous_commit_delay_days,
        lead(is_late) over by_ship_date as next_is_late,
        row_number() over by_ship_date as position_in_month,
        count(*) over (partition by supplier_key, ship_month) as shipments_in_month
    from shipped
    window by_ship_date as (
        partition by supplier_key, ship_month
        order by ship_date, order_key, line_number
    )
),

final as (
    select
        supplier_key,
        count(*) as shipment_count,
        count_if(is_late) as late_shipment_count,
        count_if(is_late and next_is_late) as repeated_late_count,
        sum(commit_delay_days - previous_commit_delay_days) as delay_change_days_sum,
        count(commit_delay_days - previous_commit_delay_days) as delay_change_count,
        max(case when position_in_month = 1 then commit_delay_days end)
            as first_commit_delay_days,
        max(case when position_in_month = 1 then is_late end) as first_is_late,
        max(case when position_in_month = shipments_in_month then commit_delay_days end)
            as last_commit_delay_days,
        max(case when position_in_month = shipments_in_month then is_late end) as last_is_late,
        ship_month
    from in_ship_order
    group by supplier_key, ship_month
)

select * from final
