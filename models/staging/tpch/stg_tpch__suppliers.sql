with

source as (
    select * from {{ source('tpch', 'supplier') }}
    where not {{ breaks_rejection_rules('supplier') }}
),

renamed as (
    select
        s_suppkey as supplier_key,
        trim(s_name) as supplier_name,
        trim(s_address) as supplier_address,
        s_nationkey as nation_key,
        trim(s_phone) as phone_number,
        s_acctbal as account_balance,
        trim(s_comment) as supplier_comment
    from source
)

select * from renamed
