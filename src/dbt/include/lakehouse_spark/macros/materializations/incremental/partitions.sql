{#- The partitions of an incremental model's generation table: listed, selected by its view,
    dropped. A partition is {'key': 'order_month=1995-03', 'values': [[column, value], ...],
    'generation': id}. -#}

{#- The partitions of a generation table (show partitions), split into the current ones (per
    partition, the latest generation not above up_to; with every_generation, all of those not
    above up_to, as an appending model serves them) and the others. A data test lists its
    model's table once per run (adapter.partition_names). -#}
{% macro lakehouse_list_partition_generations(table, up_to, every_generation=false,
        once_per_run=false) %}
    {%- set column = adapter.generation_column() -%}
    {%- set latest = {} -%}
    {%- set partitions = [] -%}
    {%- for name in adapter.partition_names(table, once_per_run) -%}
        {%- if '%' in name -%}
            {{ exceptions.raise_compiler_error(
                'Partition ' ~ name ~ ' of ' ~ table ~ ' has an escaped value: incremental '
                ~ 'models take partition values without special characters '
                ~ '(dates, numbers, words).') }}
        {%- endif -%}
        {%- set parts = name.split('/') -%}
        {%- set values = [] -%}
        {%- for part in parts[:-1] -%}
            {%- do values.append(part.split('=', 1)) -%}
        {%- endfor -%}
        {%- set partition = {
            'key': parts[:-1] | join('/'),
            'values': values,
            'generation': parts[-1].split('=', 1)[1],
        } -%}
        {%- do partitions.append(partition) -%}
        {%- set newest = latest.get(partition.key) -%}
        {%- if partition.generation | int <= up_to | int
            and (newest is none or newest.generation | int < partition.generation | int) -%}
            {%- do latest.update({partition.key: partition}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set current = latest.values() | list -%}
    {%- if every_generation -%}
        {%- set current = [] -%}
        {%- for partition in partitions if partition.generation | int <= up_to | int -%}
            {%- do current.append(partition) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return({'current': current, 'other': partitions | reject('in', current) | list}) }}
{% endmacro %}

{#- Of the partitions a view does not serve (listed.other), those a run drops before it writes:
    what a failed run left, and what an earlier run replaced. What an earlier batch of this same
    run replaced stays, as the previous run's replaced generation does, for readers still reading
    it (a microbatch run writes once per batch). -#}
{% macro lakehouse_partitions_to_drop(listed) %}
    {%- set run_generation = lakehouse_run_generation_id() | int -%}
    {%- set served = {} -%}
    {%- for partition in listed.current -%}
        {%- do served.update({partition.key: partition.generation | int}) -%}
    {%- endfor -%}
    {%- set dropped = [] -%}
    {%- for partition in listed.other -%}
        {%- set replacement = served.get(partition.key) -%}
        {%- if replacement is none or replacement < run_generation
            or partition.generation | int > replacement -%}
            {%- do dropped.append(partition) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dropped) }}
{% endmacro %}

{#- The predicate of an incremental model's view: exactly the given partitions, grouped by
    generation ((lakehouse_generation = '…' and ((order_month = '…') or …)) or …); generations.py
    reads it back. With no partition at all it still names the generation published. -#}
{% macro lakehouse_partition_filter(partitions, generation) %}
    {%- set column = adapter.generation_column() -%}
    {%- set by_generation = {} -%}
    {%- for partition in partitions | sort(attribute='key') -%}
        {%- do by_generation.setdefault(partition.generation, []).append(partition) -%}
    {%- endfor -%}
    {%- set groups = [] -%}
    {%- for group_generation, members in by_generation | dictsort -%}
        {%- do groups.append('(' ~ column ~ " = '" ~ group_generation ~ "' and ("
            ~ lakehouse_partitions_condition(members) ~ '))') -%}
    {%- endfor -%}
    {{ return(groups | join('\n    or ')
        or '(' ~ column ~ " = '" ~ generation ~ "' and false)") }}
{% endmacro %}

{#- The rows of the given partitions, by their partition columns: (order_month = '…') or … -#}
{% macro lakehouse_partitions_condition(partitions) %}
    {%- set keys = [] -%}
    {%- for partition in partitions -%}
        {%- set conditions = [] -%}
        {%- for column, value in partition['values'] -%}
            {%- do conditions.append(
                column ~ ' is null' if value == '__HIVE_DEFAULT_PARTITION__'
                else column ~ ' = ' ~ adapter.sql_string(value)) -%}
        {%- endfor -%}
        {%- do keys.append('(' ~ (conditions | join(' and ') or 'true') ~ ')') -%}
    {%- endfor -%}
    {{ return(keys | join(' or ')) }}
{% endmacro %}

{#- Drops partitions of a generation table, files included, in one statement. -#}
{% macro lakehouse_drop_partitions(table, partitions) %}
    {%- if partitions -%}
        {%- set specs = [] -%}
        {%- for partition in partitions -%}
            {%- set values = [] -%}
            {%- for column, value in partition['values'] + [[adapter.generation_column(), partition.generation]] -%}
                {%- do values.append(column ~ ' = ' ~ adapter.sql_string(value)) -%}
            {%- endfor -%}
            {%- do specs.append('partition (' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {% call statement('drop_partitions') -%}
            alter table {{ table }} drop if exists {{ specs | join(', ') }}
        {%- endcall %}
    {%- endif -%}
{% endmacro %}
