import { describeDocumentation } from "@offheap/test-support/examples";

describeDocumentation("list", ["linked-list.md"], 25);
