/**
 * Starting the stream's resume from $connect: an asynchronous invocation
 * (`InvocationType: Event`) of the stream's resume function, which Lambda
 * queues and answers at once (202), so $connect returns and API Gateway
 * finishes the handshake before anything is posted. The tests point the same
 * client at a stand-in of Lambda's Invoke API (test/helpers/lambda-invoke.ts).
 */

import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ResumeInvoker, ResumeRequest } from '../stream/aws-resume.js';

export class LambdaResumeInvoker implements ResumeInvoker {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async invoke(request: ResumeRequest): Promise<void> {
    const r = await this.client.send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(request)) }));
    if (r.StatusCode !== 202) throw new Error(`the resume function was not queued (status ${r.StatusCode})`);
  }
}
