//! The order in which summaries are worth computing: callees before callers. Functions are ranked by
//! level in the call graph's condensation (a function calling nothing is level 0; a caller is one above
//! its highest callee outside its own strongly connected component), so a function is evaluated once its
//! callees have settled and functions of one level are evaluated in parallel.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// The level of each function, given each function's callees.
pub fn levels(callees: &[Vec<u32>]) -> Vec<u32> {
    let edges = callees.iter().map(Vec::len).sum();
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(callees.len(), edges);
    for _ in callees {
        graph.add_node(());
    }
    for (caller, targets) in callees.iter().enumerate() {
        for callee in targets {
            graph.add_edge(NodeIndex::new(caller), NodeIndex::new(*callee as usize), ());
        }
    }
    let mut level = vec![0u32; callees.len()];
    let mut component_of = vec![usize::MAX; callees.len()];
    // Tarjan's algorithm yields a component only after every component it reaches: callees first.
    for (number, component) in tarjan_scc(&graph).into_iter().enumerate() {
        for member in &component {
            component_of[member.index()] = number;
        }
        let highest_callee = component
            .iter()
            .flat_map(|m| callees[m.index()].iter())
            .filter(|callee| component_of[**callee as usize] != number)
            .map(|callee| level[*callee as usize] + 1)
            .max()
            .unwrap_or(0);
        for member in component {
            level[member.index()] = highest_callee;
        }
    }
    level
}

#[cfg(test)]
mod tests {
    use super::levels;

    #[test]
    fn callees_come_first_and_cycles_share_a_level() {
        // 0 → 1 → 2, 2 → 1 (a cycle), 3 calls nothing.
        let callees = vec![vec![1], vec![2], vec![1], vec![]];
        let level = levels(&callees);
        assert_eq!(level[3], 0);
        assert_eq!(level[1], level[2]);
        assert!(level[0] > level[1]);
    }
}
