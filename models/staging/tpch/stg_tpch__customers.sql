with

source as (
    select * from {{ source('tpch', 'customer') }}
    where not {{ breaks_rejection_rules('customer') }} and {{ in_latest_extract('customer') }}
),

renamed as (
    select
        c_custkey as customer_key,
        trim(c_name) as customer_name,
        trim(c_address) as customer_address,
        c_nationkey as nation_key,
        trim(c_phone) as phone_number,
        c_acctbal as account_balance,
        upper(trim(c_mktsegment)) as market_segment,
        trim(c_comment) as customer_comment,
        {{ extracted_at() }}
    from source
)

select * from renamed
