/**
 * What notebook 05 (measure after) uses for the cost of balancing and the run's figures: each
 * move's cost in its engine's words, the record 07's recap reads, and the charts.
 *
 * @module
 */

export { engineOf, moveCostView } from "../cost.ts";
export { saveRunRecord } from "../recap.ts";
export { storyFigureViews } from "../after.ts";
