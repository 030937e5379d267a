//! Witness routes: the steps of the shortest route that shows a gap, kept
//! in bounded memory. A route of at most [`Route::KEPT`] steps is kept
//! whole; a longer one keeps its first [`Route::HEAD`] and last
//! [`Route::TAIL`] steps and the number left out between them, so a
//! procedure of thousands of steps with thousands of findings does not
//! hold thousands of copies of long routes. The length stays exact.

use crate::model::{Procedure, Step};

/// A witness route through one procedure, from the step where the gap
/// starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// Step indices kept: the whole route, or its head and its tail.
    steps: Vec<u32>,
    /// Steps left out after the head (0 when the route is whole).
    omitted: usize,
}

/// One element of a route as shown: a step, or the number of steps left
/// out in the middle of a long route.
#[derive(Clone, Copy, Debug)]
pub enum RoutePart<'a> {
    /// A step: its id and the step.
    Step(&'a str, &'a Step),
    /// So many steps are left out here.
    Omitted(usize),
}

impl Route {
    /// Steps kept from the start of a long route.
    pub const HEAD: usize = 24;
    /// Steps kept from the end of a long route.
    pub const TAIL: usize = 8;
    /// Longest route kept whole.
    pub const KEPT: usize = Self::HEAD + Self::TAIL;

    /// The route through these step indices (in order).
    pub(crate) fn new(path: &[usize]) -> Route {
        let index = |&i: &usize| u32::try_from(i).unwrap_or(u32::MAX);
        if path.len() <= Self::KEPT {
            return Route {
                steps: path.iter().map(index).collect(),
                omitted: 0,
            };
        }
        let tail = &path[path.len() - Self::TAIL..];
        Route {
            steps: path[..Self::HEAD].iter().chain(tail).map(index).collect(),
            omitted: path.len() - Self::KEPT,
        }
    }

    /// Number of steps of the whole route.
    pub fn len(&self) -> usize {
        self.steps.len() + self.omitted
    }

    /// True for a finding without a route.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Number of steps left out of a long route (0 when it is whole).
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// Index of the step where the route (and the gap) starts.
    pub fn first(&self) -> Option<usize> {
        self.steps.first().map(|&i| i as usize)
    }

    /// The steps kept, in order (without the omitted middle).
    pub fn kept(&self) -> impl Iterator<Item = usize> + '_ {
        self.steps.iter().map(|&i| i as usize)
    }

    /// The route as shown, in order: its steps in `procedure`, with the
    /// number left out in the middle of a long route.
    pub fn parts<'a>(&'a self, procedure: &'a Procedure) -> impl Iterator<Item = RoutePart<'a>> {
        let head = if self.omitted > 0 {
            Self::HEAD
        } else {
            self.steps.len()
        };
        let step = |&i: &u32| {
            procedure
                .steps
                .entry(i as usize)
                .map(|(k, s)| RoutePart::Step(k.as_str(), s))
        };
        let (front, back) = self.steps.split_at(head);
        front
            .iter()
            .filter_map(step)
            .chain((self.omitted > 0).then_some(RoutePart::Omitted(self.omitted)))
            .chain(back.iter().filter_map(step))
    }

    /// Step ids of the kept steps, in order.
    pub fn ids<'a>(&'a self, procedure: &'a Procedure) -> impl Iterator<Item = &'a str> {
        self.kept()
            .filter_map(|i| procedure.steps.entry(i).map(|(k, _)| k.as_str()))
    }

    /// Pairs of consecutive kept steps that follow each other on the
    /// route (not across the omitted middle).
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let gap = (self.omitted > 0).then_some(Self::HEAD - 1);
        self.steps
            .windows(2)
            .enumerate()
            .filter(move |(k, _)| Some(*k) != gap)
            .map(|(_, w)| (w[0] as usize, w[1] as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn long_routes_keep_head_tail_and_the_exact_length() {
        let short: Vec<usize> = (0..Route::KEPT).collect();
        let r = Route::new(&short);
        assert_eq!((r.len(), r.omitted()), (Route::KEPT, 0));
        assert_eq!(r.edges().count(), Route::KEPT - 1);

        let long: Vec<usize> = (100..8100).collect();
        let r = Route::new(&long);
        assert_eq!(r.len(), 8000);
        assert_eq!(r.omitted(), 8000 - Route::KEPT);
        assert_eq!(r.first(), Some(100));
        let kept: Vec<usize> = r.kept().collect();
        assert_eq!(kept[Route::HEAD - 1], 100 + Route::HEAD - 1);
        assert_eq!(kept[Route::HEAD], 8100 - Route::TAIL);
        assert_eq!(*kept.last().unwrap_or(&0), 8099);
        // No edge jumps over the omitted middle.
        assert!(r.edges().all(|(a, b)| b == a + 1));
        assert_eq!(r.edges().count(), Route::KEPT - 2);
    }
}
