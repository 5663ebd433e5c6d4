/**
 * What the scenario notebook shows besides the story's steps: the scenario and what changed in
 * the cluster, the what-if planner, the cost of the moves and the run's figures.
 *
 * @module
 */

export { membershipView, scenarioView } from "../scenario.ts";
export { whatIf, whatIfChartView, whatIfView } from "../whatif.ts";
export { engineOf, moveCostView } from "../cost.ts";
export { storyFigureViews } from "../after.ts";
export { clientsView, requestRateView } from "../clients.ts";
export { savedClients } from "../../lab/clients.ts";
