"""JUnit XML: a testsuite per scenario, a testcase per trajectory, unsatisfied ones as failures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.runner import SuiteResult


def element(result: SuiteResult) -> ET.Element:
    root = ET.Element("testsuites", name="dtu scenarios", time=f"{result.duration_s:.3f}")
    total = failures = errors = 0
    for scenario in result.scenarios:
        runs = scenario.trajectories
        suite_failures = sum(t.outcome == "unsatisfied" for t in runs)
        suite_errors = sum(t.outcome == "error" for t in runs) + (1 if scenario.error else 0)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=scenario.scenario.name,
            tests=str(len(runs) + (1 if scenario.error else 0)),
            failures=str(suite_failures),
            errors=str(suite_errors),
            time=f"{sum(t.duration_s for t in runs):.3f}",
            file=str(scenario.scenario.path),
        )
        properties = ET.SubElement(suite, "properties")
        figures = scenario.satisfaction
        for name, value in (
            ("satisfaction", f"{figures.rate:.4f}"),
            ("ci95_low", f"{figures.low:.4f}"),
            ("ci95_high", f"{figures.high:.4f}"),
        ):
            ET.SubElement(properties, "property", name=name, value=value)
        if scenario.error:
            case = ET.SubElement(suite, "testcase", name="load", classname=scenario.scenario.name)
            ET.SubElement(case, "error", message=scenario.error[:500]).text = scenario.error
        for t in runs:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"trajectory {t.index}",
                classname=scenario.scenario.name,
                time=f"{t.duration_s:.3f}",
            )
            if not t.satisfied:
                tag = "error" if t.outcome == "error" else "failure"
                message = t.reasons[0] if t.reasons else "unsatisfied"
                detail = "\n".join(t.reasons) + f"\n\ntenant {t.tenant}, seed {t.seed}"
                if t.system_output:
                    detail += "\n\nsystem under test output (tail):\n" + t.system_output
                ET.SubElement(case, tag, message=message[:500], type=t.outcome).text = detail
        total += len(runs)
        failures += suite_failures
        errors += suite_errors
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    return root


def write(result: SuiteResult, path: Path) -> None:
    tree = ET.ElementTree(element(result))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
