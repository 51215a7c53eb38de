"""``sfcompile explain SPEC``: counts, cutoffs and cost per central element."""

from __future__ import annotations

import argparse

from .options import EXIT_ERROR, EXIT_OK, budget_arguments, spec_checks, target_option

NAME = "explain"
HELP = "summarise what a spec generates (counts, cutoffs, cost)"
DESCRIPTION = (
    "Summarise a spec: per central element the number of SFs by type and element combination, "
    "the cutoffs (the largest is what LAMMPS' pair_style hdnnp needs) and n2p2's predicted "
    "time to compute the SFs with derivatives, per atom (from a density estimate, or with "
    "--data from the neighbours and triplets of your structures). With --target: what that "
    "target can and cannot take, and whether the spec compiles for it (SPEC may then be "
    "left out)."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import List, TextIO, Tuple

    from ..generate.cost import Environment
    from ..generate.expand import GeneratedSet
    from ..generate.explain import CostBasis
    from ..spec.load import LoadedSpec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "spec", metavar="SPEC", nargs="?", help="the TOML spec ('-' for standard input)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")
    parser.add_argument(
        "--data",
        metavar="FILE",
        help="predict the cost from the neighbour and triplet counts of these structures",
    )
    parser.add_argument(
        "--format",
        default="input.data",
        metavar="FORMAT",
        help="of --data: input.data (n2p2/RuNNer, default; gzip too) or an ASE format name "
        "(needs ase)",
    )
    budget_arguments(parser)
    spec_checks(parser)
    target_option(parser, "also list what this target can and cannot take")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..generate.expand import generate
    from ..generate.explain import explain, format_text, to_dict, to_json
    from ..spec.load import load_spec
    from ..targets.capabilities import describe, refusals
    from ..targets.registry import capabilities

    if args.spec is None:
        if args.target is None or args.json:
            print("sfcompile explain: error: give a spec (or --target NAME alone, without "
                  "--json)", file=stderr)  # fmt: skip
            return EXIT_ERROR
        stdout.write(describe(capabilities(args.target)))
        return EXIT_OK

    loaded = load_spec(args.spec, max_lines=args.max_lines)
    generated = generate(loaded.spec)
    if args.data is None:
        summary = explain(loaded, generated)
    else:
        summary = explain(loaded, generated, *_measured(loaded, generated, args))
    if args.json:
        if args.target is None:
            stdout.write(to_json(summary) + "\n")
            return EXIT_OK
        import json

        target = capabilities(args.target)
        document = to_dict(summary)
        document["target"] = {
            "name": target.name,
            "can": target.can(),
            "cannot": target.cannot(),
            "refusals": [d.format() for d in refusals(loaded, generated, target)],
        }
        stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        return EXIT_OK
    stdout.write(format_text(summary))
    if args.target is not None:
        target = capabilities(args.target)
        stdout.write("\n" + describe(target, refusals(loaded, generated, target)))
    return EXIT_OK


def _measured(loaded: LoadedSpec, generated: List[GeneratedSet], args: argparse.Namespace
              ) -> Tuple[Environment, CostBasis]:  # fmt: skip
    """The counts of --data at the spec's cutoffs (numpy is imported here only)."""
    import os

    from ..analysis.environment import SAMPLE, measure_environment
    from ..generate.cost import radii
    from ..generate.explain import CostBasis
    from ..readers.formats import read_structures
    from ..spec.sftypes import BY_NUMBER

    elements = loaded.spec.element_tuple
    sfs = [f for s in generated for block in s.blocks for f in block]
    structures = read_structures(args.data, args.format, known_elements=elements)
    angular = any(BY_NUMBER[sf.type_number].angular for sf in sfs)  # else no pairs needed
    environment = measure_environment(structures, elements, radii(sfs),
                                      sample=SAMPLE if angular else 0,
                                      max_pairs=args.max_neighbours,
                                      max_triplets=args.max_triplets)  # fmt: skip
    basis = CostBasis(os.path.basename(args.data), sum(environment.atoms.values()),
                      environment.structures, loaded.spec.unit)  # fmt: skip
    return environment, basis
