/**
 * What an operator must hear about: a message in a dead-letter queue (a
 * webhook delivery given up, or one the worker crashed on), and any function
 * error. With context `alarmEmail` the alarms notify an SNS topic that mails
 * that address (the subscription must be confirmed from the first e-mail).
 */

import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);

export interface AlarmsProps {
  functions: Record<string, IFunction>;
  deadLetterQueues: Record<string, IQueue>;
  email?: string;
}

export class Alarms extends Construct {
  readonly topic?: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    if (props.email) {
      this.topic = new Topic(this, 'Topic', { displayName: 'coocenter cloud alarms' });
      this.topic.addSubscription(new EmailSubscription(props.email));
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.add(`${name}NotEmpty`, `${name}: webhook deliveries were dead-lettered`, queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }));
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, `${name}: the function failed (see its log group)`, fn.metricErrors({ period: PERIOD, statistic: 'Sum' }));
    }
  }

  private add(id: string, description: string, metric: IMetric): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means no messages and no invocations: nothing wrong.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.topic) alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
