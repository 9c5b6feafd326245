import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ConversationComponent } from './conversation.component';

@Component({
  selector: 'app-root',
  imports: [ConversationComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>realtime-rx · Angular</h1>
    <app-conversation />
  `,
})
export class App {}
