import type * as pulumi from "@pulumi/pulumi";
import type { ChildFactory } from "./transform";

/**
 * What each part of an `ImageEdge` (its keyring, its image function, its distribution) builds its
 * resources with. The parts create the edge's own children through its factory, so their names,
 * parents and URNs are the edge's, whichever file builds them.
 */
export interface EdgeScope<Children> {
  children: ChildFactory<Children>;
  /** Tags on every taggable child. */
  tags: Record<string, string>;
  /** Whether the buckets, the keyring and the distribution are protected from deletion by Pulumi. */
  protect: boolean;
  /** Where the stack deploys: policies are built from these, so they are known during a preview. */
  partition: pulumi.Output<string>;
  accountId: pulumi.Output<string>;
  region: pulumi.Output<string>;
}

/** The region CloudFront's certificates and its access-log delivery live in. */
export const US_EAST_1 = "us-east-1";
