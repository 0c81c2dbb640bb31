"""Trade statistics: members' monthly tables committed as Merkle roots, mirror comparisons."""

from ledger.statistics.commitment import row_in_root, row_leaf, row_proof, table_root
from ledger.statistics.compare import MirrorComparison, Thresholds, compare_mirror, mirror_pair
from ledger.statistics.registry import CommittedRevision, StatisticsRegistryBinding
from ledger.statistics.service import CommitResult, check_shared_copy, commit_table, verify_table
from ledger.statistics.table import Flow, StatisticsRow, StatisticsTable, TableKey
from ledger.statistics.table_csv import format_table, parse_table, read_table, write_table

__all__ = [
    "CommitResult",
    "CommittedRevision",
    "Flow",
    "MirrorComparison",
    "StatisticsRegistryBinding",
    "StatisticsRow",
    "StatisticsTable",
    "TableKey",
    "Thresholds",
    "check_shared_copy",
    "commit_table",
    "compare_mirror",
    "format_table",
    "mirror_pair",
    "parse_table",
    "read_table",
    "row_in_root",
    "row_leaf",
    "row_proof",
    "table_root",
    "verify_table",
    "write_table",
]
