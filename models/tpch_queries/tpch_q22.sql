-- Q22 global sales opportunity: customers of seven country codes with an above-average positive
-- balance who never ordered, per country code.
with

customers as (
    select * from {{ ref('stg_tpch__customers') }}
),

orders as (
    select * from {{ ref('stg_tpch__orders') }}
),

in_target_countries as (
    select
        customer_key,
        account_balance,
        substring(phone_number, 1, 2) as country_code
    from customers
    where substring(phone_number, 1, 2) in ('13', '31', '23', '29', '30', '18', '17')
),

average_positive_balance as (
    select avg(account_balance) as balance
    from in_target_countries
    where account_balance > 0.00
),

final as (
    select
        in_target_countries.country_code,
        count(*) as customer_count,
        sum(in_target_countries.account_balance) as total_balance
    from in_target_countries
    cross join average_positive_balance
    left anti join orders
        on in_target_countries.customer_key = orders.customer_key
    where in_target_countries.account_balance > average_positive_balance.balance
    group by in_target_countries.country_code
)

select * from final
