import * as pulumi from "@pulumi/pulumi";

/**
 * A physical name a component chooses, for a resource AWS does not auto-name or whose name must be
 * known before it exists: the project, the stack, then the child's own name, which begins with its
 * component's name. Two components, stacks or projects in one account then never collide, and a
 * stack's names share a prefix an IAM policy can be scoped to (`<project>-<stack>-…`, `<project>/<stack>/…`).
 */
export function stackScopedName(childName: string, separator: "-" | "/" = "-"): string {
  return [pulumi.getProject(), pulumi.getStack(), childName].join(separator);
}
