/** The Context object a JSONPath state reads through `$$` paths. */
export interface ExecutionContextObject {
  Execution: {
    Id: string;
    Input: unknown;
    Name: string;
    RoleArn: string;
    StartTime: string;
    RedriveCount: number;
    RedriveTime?: string;
  };
  State: {
    EnteredTime: string;
    Name: string;
    RetryCount: number;
  };
  StateMachine: {
    Id: string;
    Name: string;
  };
  /** Present only while a Task state runs with `.waitForTaskToken`. */
  Task?: {
    Token: string;
  };
  /** Present only inside a Map state iteration. */
  Map?: {
    Item: {
      Index: number;
      Value: unknown;
      /** Distributed Map over an S3 object listing or JSON object: the item's key. */
      Key?: string;
      /** Distributed Map: where the item came from (for example an S3 URI). */
      Source?: string;
    };
  };
}
