import { describeDocumentation } from "@offheap/test-support/examples";

describeDocumentation("rc", ["reference-counting.md"], 20);
