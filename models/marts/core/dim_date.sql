with

date_spine as (
    {{ generate_date_spine(var('date_spine_start'), var('date_spine_end')) }}
),

final as (
    select
        date_day,
        cast(year(date_day) as int) as calendar_year,
        cast(quarter(date_day) as int) as calendar_quarter,
        cast(month(date_day) as int) as calendar_month,
        date_format(date_day, 'MMMM') as month_name,
        cast(trunc(date_day, 'MM') as date) as month_start_date,
        cast(dayofmonth(date_day) as int) as day_of_month,
        -- ISO numbering: 1 = Monday ... 7 = Sunday
        cast(weekday(date_day) + 1 as int) as iso_day_of_week,
        date_format(date_day, 'EEEE') as day_name,
        weekday(date_day) >= 5 as is_weekend
    from date_spine
)

select * from final
