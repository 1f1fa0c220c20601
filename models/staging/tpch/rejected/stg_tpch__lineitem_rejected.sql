{{ select_rejected_rows(source('tpch', 'lineitem')) }}
