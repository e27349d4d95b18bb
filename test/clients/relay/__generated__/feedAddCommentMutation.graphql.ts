/**
 * @generated SignedSource<<bc81ef41965ab8863ea9c8d0f9c3381c>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import type { ConcreteRequest } from 'relay-runtime';
export type ActivityKind = "ASSIGNMENT_CHANGE" | "COMMENT" | "CREATED" | "FIELD_CHANGE" | "STATUS_CHANGE" | "TAG_CHANGE" | "%future added value";
export type AddCommentInput = {
  body: string;
  clientMutationId?: string | null | undefined;
  internal?: boolean | null | undefined;
  ticketId: string;
};
export type feedAddCommentMutation$variables = {
  input: AddCommentInput;
};
export type feedAddCommentMutation$data = {
  readonly addComment: {
    readonly activity: {
      readonly body?: string | null | undefined;
      readonly id: string;
      readonly kind: ActivityKind;
    } | null | undefined;
    readonly ticket: {
      readonly id: string;
      readonly updatedAt: string;
    };
  } | null | undefined;
};
export type feedAddCommentMutation = {
  response: feedAddCommentMutation$data;
  variables: feedAddCommentMutation$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "input"
  }
],
v1 = [
  {
    "kind": "Variable",
    "name": "input",
    "variableName": "input"
  }
],
v2 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "id",
  "storageKey": null
},
v3 = {
  "alias": null,
  "args": null,
  "concreteType": "Ticket",
  "kind": "LinkedField",
  "name": "ticket",
  "plural": false,
  "selections": [
    (v2/*:: as any*/),
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "updatedAt",
      "storageKey": null
    }
  ],
  "storageKey": null
},
v4 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "kind",
  "storageKey": null
},
v5 = {
  "kind": "InlineFragment",
  "selections": [
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "body",
      "storageKey": null
    }
  ],
  "type": "CommentActivity",
  "abstractKey": null
};
return {
  "fragment": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Fragment",
    "metadata": null,
    "name": "feedAddCommentMutation",
    "selections": [
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "concreteType": "AddCommentPayload",
        "kind": "LinkedField",
        "name": "addComment",
        "plural": false,
        "selections": [
          (v3/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "concreteType": null,
            "kind": "LinkedField",
            "name": "activity",
            "plural": false,
            "selections": [
              (v2/*:: as any*/),
              (v4/*:: as any*/),
              (v5/*:: as any*/)
            ],
            "storageKey": null
          }
        ],
        "storageKey": null
      }
    ],
    "type": "Mutation",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "feedAddCommentMutation",
    "selections": [
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "concreteType": "AddCommentPayload",
        "kind": "LinkedField",
        "name": "addComment",
        "plural": false,
        "selections": [
          (v3/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "concreteType": null,
            "kind": "LinkedField",
            "name": "activity",
            "plural": false,
            "selections": [
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "__typename",
                "storageKey": null
              },
              (v2/*:: as any*/),
              (v4/*:: as any*/),
              (v5/*:: as any*/)
            ],
            "storageKey": null
          }
        ],
        "storageKey": null
      }
    ]
  },
  "params": {
    "cacheID": "b063a9138ed1a9e604f6d9c50e5407ee",
    "id": null,
    "metadata": {},
    "name": "feedAddCommentMutation",
    "operationKind": "mutation",
    "text": "mutation feedAddCommentMutation(\n  $input: AddCommentInput!\n) {\n  addComment(input: $input) {\n    ticket {\n      id\n      updatedAt\n    }\n    activity {\n      __typename\n      id\n      kind\n      ... on CommentActivity {\n        body\n      }\n    }\n  }\n}\n"
  }
};
})();

(node as any).hash = "84543fc3ce9ec65085ba1c15c15ddd84";

export default node;
