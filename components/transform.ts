import * as pulumi from "@pulumi/pulumi";

/**
 * Adjusts a child resource before it is created: either properties merged over the component's
 * arguments, or a function that edits the arguments and options in place.
 *
 * @example
 * ```ts
 * transform: {
 *   imageFunction: { memorySize: 3008 },
 *   distribution: (args) => { args.webAclId = myWaf.arn; },
 * }
 * ```
 */
export type Transform<Args> = Partial<Args> | ((args: Args, opts: pulumi.CustomResourceOptions, name: string) => void);

/** Role of each child to the arguments type of the resource that fills it. */
export type Transforms<Children> = { [Role in keyof Children]?: Transform<Children[Role]> };

type ResourceConstructor<Args, Resource> = new (name: string, args: Args, opts?: pulumi.CustomResourceOptions) => Resource;

function kebabCase(role: string): string {
  return role.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * Creates the child resources of a component: each named `${parent name}-${role in kebab case}`
 * (plus `-${instance}` where a role has several), parented to the component, after the user's
 * transform for that role has run.
 */
export class ChildFactory<Children> {
  /**
   * @param formerParent where the children were parented before they moved under `parent`: each child
   * then aliases its old URN, so stacks deployed before the move keep their resources.
   */
  constructor(
    private readonly parent: pulumi.ComponentResource,
    /** The component's name, which begins every child's name. */
    readonly parentName: string,
    private readonly transforms: Transforms<Children> = {},
    private readonly formerParent?: pulumi.Resource,
  ) {}

  /** The name a child of this role gets. */
  name(role: keyof Children & string, instance?: string): string {
    return [this.parentName, kebabCase(role), instance].filter(Boolean).join("-");
  }

  create<Role extends keyof Children & string, Resource>(
    ctor: ResourceConstructor<Children[Role], Resource>,
    role: Role,
    args: Children[Role],
    opts: pulumi.CustomResourceOptions = {},
    instance?: string,
  ): Resource {
    const name = this.name(role, instance);
    const childOpts: pulumi.CustomResourceOptions = { ...opts, parent: this.parent };
    if (this.formerParent) childOpts.aliases = [...(opts.aliases ?? []), { parent: this.formerParent }];
    const transform = this.transforms[role] as Transform<Children[Role]> | undefined;
    let childArgs = args;
    if (typeof transform === "function") transform(childArgs, childOpts, name);
    else if (transform) childArgs = { ...childArgs, ...transform };
    return new ctor(name, childArgs, childOpts);
  }
}
