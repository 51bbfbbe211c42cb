// The parse tree of a Go text/template.
import type { Position } from './errors.js';

export type Node = TextNode | ActionNode | IfNode | RangeNode | WithNode | TemplateCallNode | BreakNode | ContinueNode;

export interface ListNode {
  nodes: Node[];
}

export interface TextNode {
  kind: 'text';
  text: string;
}

export interface ActionNode {
  kind: 'action';
  pos: Position;
  pipe: Pipeline;
}

/** if and with share a shape; else-if / else-with chains are nested in elseList. */
export interface IfNode {
  kind: 'if';
  pos: Position;
  pipe: Pipeline;
  list: ListNode;
  elseList?: ListNode;
}

export interface WithNode {
  kind: 'with';
  pos: Position;
  pipe: Pipeline;
  list: ListNode;
  elseList?: ListNode;
}

export interface RangeNode {
  kind: 'range';
  pos: Position;
  pipe: Pipeline;
  list: ListNode;
  elseList?: ListNode;
}

export interface TemplateCallNode {
  kind: 'template';
  pos: Position;
  name: string;
  pipe?: Pipeline;
}

export interface BreakNode {
  kind: 'break';
  pos: Position;
}

export interface ContinueNode {
  kind: 'continue';
  pos: Position;
}

export interface Pipeline {
  pos: Position;
  /** Variables declared ($x := …) or assigned ($x = …). */
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
  /** The source text, for error messages. */
  text: string;
}

export interface Command {
  pos: Position;
  args: Arg[];
  text: string;
}

export type Arg =
  | { kind: 'dot' }
  | { kind: 'nil' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'field'; path: string[] }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'function'; name: string }
  | { kind: 'pipe'; pipe: Pipeline; path: string[] };
