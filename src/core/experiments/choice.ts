/** Where the lab keeps the experiment the user chose (a preference the tabs share), and the first one's id. */
export const EXPERIMENT_CHOICE_KEY = 'apigw-playground:experiment'
export const DEFAULT_EXPERIMENT = 'idle'
