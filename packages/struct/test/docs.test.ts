import { describeDocumentation } from "@offheap/test-support/examples";

describeDocumentation("struct", ["struct-layouts.md"], 40);
