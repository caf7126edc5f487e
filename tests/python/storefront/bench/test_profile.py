"""The build profile of `make bench` (storefront/bench/profile.py), read from the artifacts of
the served shop's real `dbt build`: its critical path follows dbt's own ordering, and the idle
core-seconds add up."""

from __future__ import annotations

import json

import pytest

from storefront.bench import profile


@pytest.fixture(scope="module")
def build(served_shop):
    target = served_shop["work"] / "target"
    nodes, elapsed = profile.read(target / "run_results.json")
    return nodes, elapsed, json.loads((target / "manifest.json").read_text())


def test_every_node_has_its_moments(build):
    nodes, elapsed, _ = build
    assert len(nodes) > 100
    for node in nodes:
        assert node.started and node.started <= node.ended, node.unique_id
    first = min(n.started for n in nodes)
    assert max(n.ended for n in nodes) - first <= elapsed + 1


def test_the_critical_path_is_a_chain_of_waits_ending_with_the_last_node(build):
    nodes, _, manifest = build
    chain = profile.critical_path(nodes, manifest)
    waits = profile.waits_for(nodes, manifest)
    assert chain[-1].ended == max(n.ended for n in nodes)
    assert len(chain) >= 5
    for before, after in zip(chain, chain[1:], strict=False):
        assert before.unique_id in waits[after.unique_id]
        assert before.ended <= after.started + 0.05  # dbt started it once `before` was done
    assert not waits[chain[0].unique_id]  # the chain starts with a node that waited for nothing
    # dbt build's test edges: core.orders waits for the tests of int_order_lines_keyed, which
    # it reads, and not for the tests of marts it does not
    orders = waits["model.storefront.orders"]
    assert any(uid.startswith("test.storefront.unique_int_order_lines_keyed_order_line_sk.")
               for uid in orders)
    assert any(uid.startswith("test.storefront.unique_fct_orders_order_sk.") for uid in waits)
    assert not any(uid.startswith("test.storefront.unique_fct_orders_order_sk.") for uid in orders)


def test_idle_core_seconds_add_up(build):
    nodes, _, _ = build
    busy = sum(n.ended - n.started for n in nodes)
    many = 1000  # more cores than dbt ran threads: every running node had a core
    idle, span = profile.idle_core_seconds(nodes, many)
    assert idle == pytest.approx(many * span - busy, rel=1e-9)
    idle_one, span_one = profile.idle_core_seconds(nodes, 1)
    assert span_one == span and 0 <= idle_one < span


def test_the_summary_names_the_path_and_the_idle_cores(build, served_shop):
    nodes, _, manifest = build
    text = profile.profile_of(served_shop["work"] / "target" / "run_results.json")
    assert "the critical path" in text
    assert profile.critical_path(nodes, manifest)[-1].name in text.splitlines()[-2]
    assert "fewer nodes running than the" in text.splitlines()[-1]
