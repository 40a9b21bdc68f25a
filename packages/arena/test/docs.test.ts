import { describeDocumentation } from "@offheap/test-support/examples";

describeDocumentation("arena", ["arenas.md"], 25);
