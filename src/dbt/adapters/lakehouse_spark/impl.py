"""The adapter: dbt-spark's SparkAdapter, its connection manager and Python submission methods."""

import threading
from dataclasses import replace
from pathlib import Path

import agate
from dbt.adapters.base import PythonJobHelper, available
from dbt.adapters.base.impl import AdapterTrackingRelationInfo
from dbt.adapters.spark.connections import SparkConnectionMethod
from dbt.adapters.spark.impl import SparkAdapter
from dbt_common.exceptions import DbtRuntimeError

from dbt.adapters.lakehouse_spark import generations, microbatch_plan, raw_tables
from dbt.adapters.lakehouse_spark.__version__ import version
from dbt.adapters.lakehouse_spark.connections import ADAPTER_TYPE, LakehouseSparkConnectionManager
from dbt.adapters.lakehouse_spark.landed import (
    LANDED_TESTS,
    MARK,
    LandedTests,
    landed_files,
    landed_marks,
)
from dbt.adapters.lakehouse_spark.python_submissions import (
    ConnectPythonJobHelper,
    SessionPythonJobHelper,
)
from dbt.adapters.lakehouse_spark.served_state import (
    CHECKSUM,
    FILES,
    INPUTS,
    TESTED,
    UNIT_TESTED,
    ServedState,
    definition,
    digest,
    seed_checksum,
    test_digest,
    tested_model_identifier,
    unit_test_digest,
    unit_tested,
    unit_tested_record,
)

SUBMISSION_HELPERS: dict[str, type[PythonJobHelper]] = {
    "session": SessionPythonJobHelper,
    "connect": ConnectPythonJobHelper,
}


def default_submission_method(connection_method: str) -> str:
    """Python models run where the SQL runs: in-process for `session`, on Connect otherwise."""
    return "session" if connection_method == SparkConnectionMethod.SESSION else "connect"


class LakehouseSparkAdapter(SparkAdapter):
    """dbt-spark's adapter with Python models on open-source Spark; a model may still pick one of
    dbt-spark's Databricks methods with `submission_method`."""

    ConnectionManager = LakehouseSparkConnectionManager

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Partitions of generation tables as their data tests listed them in this run.
        self._listed_for_tests: dict[str, list[str]] = {}
        self._listing_for_tests = threading.Lock()

    @property
    def default_python_submission_method(self) -> str:
        return default_submission_method(self.config.credentials.method)

    @property
    def python_submission_helpers(self) -> dict[str, type[PythonJobHelper]]:
        return {**super().python_submission_helpers, **SUBMISSION_HELPERS}

    @available
    def project_path(self, path: str) -> str:
        """`path` made absolute: a relative one is anchored on the project's folder (where
        dbt_project.yml is), whichever folder dbt was started from. A server reading it runs
        elsewhere, so a path sent to it in SQL must not depend on dbt's working folder."""
        return str(Path(self.config.project_root).resolve() / path)

    # --- raw tables (raw_tables.py) --------------------------------------------------------------

    @available
    def register_raw_tables(self, schema: str, sources: list[dict]) -> dict[str, int]:
        """Registers each source ({'identifier', 'location', 'columns': ["name type", ...]}) over
        its files, records their fingerprint on it where it changed; returns the number of files
        of each identifier (0 where its folder is missing)."""
        self.execute(f"create schema if not exists {schema}")
        registered = {row[1] for row in self._rows(f"show tables in {schema}")}
        relations = {source["identifier"]: f"{schema}.{source['identifier']}" for source in sources}
        files = self._list_raw_files(
            {relations[source["identifier"]]: source["location"] for source in sources}
        )
        for source in sources:
            relation = relations[source["identifier"]]
            self._register_raw_table(
                relation, source, files[relation], source["identifier"] in registered
            )
        return {identifier: len(files[relation]) for identifier, relation in relations.items()}

    def _register_raw_table(
        self, relation: str, source: dict, listed: list[tuple], registered: bool
    ) -> None:
        """Creates the table, or brings a matching one up to its `listed` files; records their
        fingerprint."""
        columns = tuple(source["columns"])
        on_disk = landed_files(listed)
        landed = (
            f"{raw_tables.LANDING_COLUMN} date" in columns
            and on_disk is not None
            and on_disk.column == raw_tables.LANDING_COLUMN
        )
        table = raw_tables.RawTable(relation, columns, source["location"], landed)
        described = self.served_state.describe(relation) if registered else None
        fingerprint = digest(listed)
        if table.matches(described):
            statements = table.refresh(
                on_disk,
                registered=self._partitions(relation) if landed else (),
                changed=described.properties.get(FILES) != fingerprint,
            )
        else:
            statements = table.creation(on_disk)
            self.served_state.forget()  # a description read so far may be of the old table
        for statement in statements:
            self.execute(statement)
        self.landed_tests.register(relation, listed)
        described = self.served_state.describe(relation)
        if described is not None and described.properties.get(FILES) != fingerprint:
            self._keep_property(relation, FILES, fingerprint, is_view=False)

    def _list_raw_files(self, locations: dict[str, str]) -> dict[str, list[tuple]]:
        """The files (path, size, modification time) under each relation's location, sorted; none
        where the folder does not exist."""
        files: dict[str, list[tuple]] = {relation: [] for relation in locations}
        listed = []
        for relation, location in locations.items():
            try:
                self.execute(raw_tables.listing_view(relation, location))
            except DbtRuntimeError as error:
                if "PATH_NOT_FOUND" not in str(error):
                    raise
            else:
                listed.append(relation)
        for relation, *file in self._rows(raw_tables.files_query(listed)) if listed else []:
            files[relation].append(tuple(file))
        return {relation: sorted(rows) for relation, rows in files.items()}

    def _partitions(self, relation: str) -> list[str]:
        """The partitions the catalog has of a table ("column=value")."""
        return [row[0] for row in self._rows(f"show partitions {relation}")]

    # --- what the catalog serves, for builds that do only what changed (served_state.py) -------

    @property
    def served_state(self) -> ServedState:
        if not hasattr(self, "_served_state"):
            self._served_state = ServedState(self._rows)
        return self._served_state

    @property
    def landed_tests(self) -> LandedTests:
        if not hasattr(self, "_landed_tests"):
            self._landed_tests = LandedTests(self.served_state)
        return self._landed_tests

    def _rows(self, sql: str) -> list[tuple]:
        _, table = self.execute(sql, fetch=True)
        return [tuple(row) for row in table.rows]

    # --- generations (generations.py), for the materializations -----------------------------

    @available
    def served_generation(self, relation) -> dict | None:
        """What the model's view serves: {'table_generation', 'generation', 'partitioned',
        'inputs', 'batches', 'text'} (generations.Served, the inputs that generation was built
        from, None if unknown, a microbatch model's batches built from them, the view's text);
        None before the model's first build in generations."""
        described = self.served_state.describe(str(relation))
        if described is None or not described.is_view:
            return None
        served = generations.served(relation.identifier, described.text)
        if served is None:
            return None
        return {
            "table_generation": served.table_generation,
            "generation": served.generation,
            "partitioned": served.partitioned,
            "inputs": described.properties.get(INPUTS),
            "batches": described.properties.get(microbatch_plan.BATCHES),
            "text": described.text,
        }

    @available
    def forget_served(self, relation) -> str:
        """The relation was written (its view switched): what the run knew of it is forgotten."""
        self.served_state.forget(str(relation))
        return ""

    @available
    def partition_names(self, table, once_per_run: bool = False) -> list[str]:
        """The partitions of a generation table ("column=value/.../generation=id"). With
        once_per_run, listed once in the run and then remembered: for the data tests of an
        incremental model, which read its table after the model's node has written it, when
        nothing writes it again in the run. Never for a materialization: it lists before it writes."""
        if not once_per_run:
            return self._partitions(str(table))
        # A model's tests start together on dbt's threads: one lists, the others wait for it.
        with self._listing_for_tests:
            if str(table) not in self._listed_for_tests:
                self._listed_for_tests[str(table)] = self._partitions(str(table))
            return self._listed_for_tests[str(table)]

    @available
    def generation_table(self, relation, generation: str):
        """The relation of one generation table of the model."""
        identifier = generations.table_name(relation.identifier, generation)
        return relation.incorporate(path={"identifier": identifier}, type="table")

    @available
    def generation_column(self) -> str:
        return generations.COLUMN

    @available
    def unserved_generation_tables(self, relation, served: dict | None) -> list:
        """The model's generations but the one its view serves (earlier layouts' too): the one the
        last build replaced, and whatever a failed run left; tables, or views for a view model."""
        keep = served and served["table_generation"]
        pattern = generations.table_pattern(relation.identifier)
        listing = f"in {relation.schema} like '{pattern}'"
        unserved = [
            name
            for _, name, *_ in self._rows(f"show tables {listing}")
            if generations.is_unserved_table(relation.identifier, name, keep)
        ]
        views = {name for _, name, *_ in self._rows(f"show views {listing}")} if unserved else set()
        return [
            relation.incorporate(
                path={"identifier": name}, type="view" if name in views else "table"
            )
            for name in unserved
        ]

    @available
    def sql_string(self, value: object) -> str:
        return generations.sql_string(value)

    @available
    def view_is_unchanged(self, relation, model: dict, code: str) -> bool:
        """Whether the view model was created from this definition (served_state.definition)."""
        described = self.served_state.describe(str(relation))
        stored = described.properties.get(INPUTS) if described and described.is_view else None
        return stored == definition(model, code)

    @available
    def record_view_definition(
        self, relation, model: dict, code: str, comment: str | None = None
    ) -> str:
        return self._keep_properties(
            relation, {INPUTS: definition(model, code), **_comment(comment)}
        )

    @available
    def stale_comments(self, relation, columns: dict[str, str], comment: str | None) -> dict:
        """What of the model's descriptions its view does not show: {'columns': {column: text}}
        for columns it has whose comment differs, and 'relation': the text when its own comment
        differs (else None). Read from the view's description, already known to the run."""
        described = self.served_state.describe(str(relation))
        if described is None:
            return {"columns": {}, "relation": None}
        stale_columns = {
            name: columns[name.lower()]
            for name, shown in described.column_comments.items()
            if name.lower() in columns and shown.strip() != columns[name.lower()].strip()
        }
        stale_relation = (
            comment if comment and (described.comment or "").strip() != comment else None
        )
        return {"columns": stale_columns, "relation": stale_relation}

    @available
    def record_comment(self, relation, comment: str) -> str:
        return self._keep_properties(relation, _comment(comment))

    @available
    def model_inputs(self, model: dict, graph: dict, code: str) -> str | None:
        return self.served_state.inputs(model, graph, code)

    @available
    def record_inputs(self, relation, inputs: str | None, comment: str | None = None) -> str:
        """Stores the inputs of the generation the model's view now serves (after the switch: a
        run stopped in between leaves the older inputs, and the next run builds again), and the
        view's comment (the model's description) where there is one."""
        return self._keep_properties(relation, {INPUTS: inputs or "unknown", **_comment(comment)})

    @available
    def batch_is_built(self, ranges: str | None, batch: dict) -> bool:
        """Whether the ranges a microbatch model's view records hold this batch."""
        return microbatch_plan.covers(ranges, batch)

    @available
    def record_batch(
        self,
        relation,
        inputs: str | None,
        ranges: str | None,
        batch: dict,
        comment: str | None = None,
    ) -> str:
        """Stores, after a microbatch model's batch is switched in, its inputs and the ranges built
        from them: `ranges` (those of the same inputs before it, None if they changed) and this
        batch's."""
        return self._keep_properties(
            relation,
            {
                INPUTS: inputs or "unknown",
                microbatch_plan.BATCHES: microbatch_plan.with_batch(ranges, batch),
                **_comment(comment),
            },
        )

    @available
    def seed_is_unchanged(self, relation, seed: dict) -> bool:
        described = self.served_state.describe(str(relation))
        return described is not None and described.properties.get(CHECKSUM) == seed_checksum(seed)

    @available
    def record_seed(self, relation, seed: dict) -> str:
        return self._keep_property(relation, CHECKSUM, seed_checksum(seed))

    @available
    def test_passed_on_what_is_served(self, test: dict, graph: dict, code: str) -> bool:
        return self.served_state.test_passed(test, graph, code)

    @available
    def test_passed_on_kept_partitions(
        self, test: dict, graph: dict, code: str, kept: list[str]
    ) -> bool:
        """Whether this data test last passed on a version of its incremental model that held the
        partitions of generations `kept` as they are now: one no older than the newest of them (a
        partition keeps its generation until a run rewrites it)."""
        passed_on = self.served_state.passed_on(test, graph, code)
        return bool(passed_on and passed_on.isdigit()) and all(
            int(generation) <= int(passed_on) for generation in kept
        )

    @available
    def passing_test_result(self) -> agate.Table:
        """The one row a passing data test returns (failures, should_warn, should_error)."""
        return agate.Table(
            [(0, False, False)],
            ["failures", "should_warn", "should_error"],
            [agate.Number(), agate.Boolean(), agate.Boolean()],
        )

    @available
    def unit_test_passed_before(self, unit_test: dict, this) -> bool:
        """Whether this unit test passed with the same SQL and expected rows, as recorded on the
        model it tests (`this` is the unit test's relation, in that model's schema)."""
        model = this.incorporate(path={"identifier": tested_model_identifier(unit_test)})
        described = self.served_state.describe(str(model))
        record = unit_tested(described.properties.get(UNIT_TESTED, "")) if described else {}
        return record.get(unit_test["name"]) == unit_test_digest(unit_test)

    @available
    def passing_unit_test_result(self) -> agate.Table:
        """What a passing unit test's query returns once compared: no row actual or expected that
        the other lacks."""
        return agate.Table([], ["actual_or_expected"], [agate.Text()])

    def _keep_property(self, relation, name: str, value: str, is_view: bool | None = None) -> str:
        return self._keep_properties(relation, {name: value}, is_view)

    def _keep_properties(
        self, relation, properties: dict[str, str], is_view: bool | None = None
    ) -> str:
        """Sets table properties on the relation (view or table); what it serves may have changed,
        so its description and every token known so far are forgotten."""
        kind = "view" if (relation.is_view if is_view is None else is_view) else "table"
        pairs = ", ".join(
            f"'{name}' = {generations.sql_string(value)}" for name, value in properties.items()
        )
        self.execute(f"alter {kind} {relation} set tblproperties ({pairs})")
        self.served_state.forget(str(relation))
        return ""

    @available
    def record_test_outcomes(self, results: list, graph: dict) -> str:
        """At the end of a run: on each relation its data tests read, the tests that passed on
        what it serves now (served_state.TESTED), so that the next run can skip them."""
        tested = [
            result
            for result in results
            if result.node.resource_type == "test" and result.node.compiled_code
        ]
        outcomes = [
            (
                result.node.depends_on.nodes,
                test_digest(result.node.compiled_code, result.node.config.to_dict(omit_none=True)),
                str(result.status) == "pass",
            )
            for result in tested
        ]
        for change in self.served_state.tested_records(outcomes, graph).values():
            self._keep_property(change["relation"], TESTED, change["record"], change["is_view"])
        landed_outcomes = [
            (result.node.to_dict(), test_key, str(result.status))
            for result, (_, test_key, _) in zip(tested, outcomes, strict=True)
        ]
        records = self.landed_tests.records(landed_outcomes, graph, landed_marks)
        for relation, record in records.items():
            self._keep_property(relation, LANDED_TESTS, record, self._is_view(relation))
        self._record_unit_tests(results, graph)
        return ""

    def _record_unit_tests(self, results: list, graph: dict) -> None:
        """On each tested model, its unit tests that passed (name and digest); one that failed is
        taken out, those the run did not select are kept."""
        by_model: dict[str, dict[str, str | None]] = {}
        for result in results:
            node = result.node
            tested = graph["nodes"].get(getattr(node, "tested_node_unique_id", None) or "")
            if node.resource_type != "unit_test" or tested is None:
                continue
            passed = str(result.status) == "pass"  # then it was compiled
            outcome = unit_test_digest(node.to_dict()) if passed else None
            by_model.setdefault(tested["relation_name"], {})[node.name] = outcome
        for relation, outcomes in by_model.items():
            described = self.served_state.describe(relation)
            if described is None:
                continue
            old = unit_tested(described.properties.get(UNIT_TESTED, ""))
            new = {name: kept for name, kept in {**old, **outcomes}.items() if kept}
            if new != old:
                self._keep_property(
                    relation, UNIT_TESTED, unit_tested_record(new), described.is_view
                )

    @available
    def landed_partitions_mark(self, relation) -> str:
        """The mark a test's SQL carries where it may read only what landed (landed.py)."""
        return MARK.format(relation=relation)

    @available
    def landed_marks(self, code: str) -> list[str]:
        return landed_marks(code)

    @available
    def landed_partitions_predicate(self, test: dict, relation: str, graph: dict) -> str:
        """What a data test reads of a relation over landed raw data this run (landed.py)."""
        config = test["config"] if isinstance(test["config"], dict) else test["config"].to_dict()
        test_node = {**test, "config": config}
        return self.landed_tests.predicate(
            test_node, relation, graph, test_digest(test["compiled_code"], config)
        )

    def _is_view(self, relation: str) -> bool:
        described = self.served_state.describe(relation)
        return bool(described and described.is_view)

    @classmethod
    def get_adapter_run_info(cls, config) -> AdapterTrackingRelationInfo:
        # dbt guesses the version module from the class name (`lakehousespark`); name it outright.
        info = SparkAdapter.get_adapter_run_info(config)
        return replace(info, adapter_name=ADAPTER_TYPE, adapter_version=version)


def _comment(comment: str | None) -> dict[str, str]:
    """The table property Spark shows as a relation's comment, where there is one."""
    return {"comment": comment} if comment else {}
